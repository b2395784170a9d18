package io.chatgen.modeltoken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatgen.core.InvalidRequestException;
import java.util.List;
import java.util.Set;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class CalibrationTest {
  @Test
  void blend_is_the_product_of_token_softmax_and_floored_vote_worked_by_hand() {
    Calibration c = new Calibration(2.0, 1.0, 10, 0.5);
    // z = logit / 2 + ln(share + 0.5): [0 + ln 1.5, 1 + ln 0.5, excluded]
    double[] p = c.blend(new float[] {0f, 2f, 9f}, new double[] {1.0, 0.0, 0.0}, new boolean[] {true, true, false});
    double a = 1.5;
    double b = Math.exp(1) * 0.5;
    assertThat(p[0]).isCloseTo(a / (a + b), Offset.offset(1e-12));
    assertThat(p[1]).isCloseTo(b / (a + b), Offset.offset(1e-12));
    assertThat(p[2]).isZero();
  }

  @Test
  void bad_settings_are_refused() {
    assertThatThrownBy(() -> new Calibration(0, 1, 10, 0.1)).isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(() -> new Calibration(1, -1, 10, 0.1)).isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(() -> new Calibration(1, 1, 0, 0.1)).isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(() -> new Calibration(1, 1, 10, 0)).isInstanceOf(InvalidRequestException.class);
  }

  @Test
  void calibrator_prefers_the_neighbours_when_they_name_the_right_model() {
    var enc = Fixtures.encoder();
    var vocab = ModelTokenTrainer.builder().optEpochs(0).build().train(Fixtures.cards(), Fixtures.texts(), enc, "");
    var memory = NeighbourMemory.of(Fixtures.texts().stream().map(t -> enc.features(t.text())).toList(),
        Fixtures.texts().stream().map(LabeledText::modelId).toList());
    var held = List.of(new LabeledText("castle dragon", 1), new LabeledText("neon robot", 3));
    Calibrator.Result r = Calibrator.fit(vocab, memory, enc, enc, held);
    assertThat(r.top1()).isEqualTo(1.0);
    assertThat(r.top1NeighboursOnly()).isEqualTo(1.0);
  }

  @Test
  void removing_models_drops_their_rows_and_memories_only() {
    var enc = Fixtures.encoder();
    var vocab = ModelTokenTrainer.builder().optEpochs(0).build().train(Fixtures.cards(), Fixtures.texts(), enc, "");
    var smaller = vocab.without(List.of(2L));
    assertThat(smaller.size()).isEqualTo(3);
    assertThat(smaller.row(1)).isEqualTo(vocab.row(2));
    assertThatThrownBy(() -> vocab.without(List.of(42L))).isInstanceOf(InvalidRequestException.class);
    var memory = NeighbourMemory.of(Fixtures.texts().stream().map(t -> enc.features(t.text())).toList(),
        Fixtures.texts().stream().map(LabeledText::modelId).toList());
    var fewer = memory.withoutModels(Set.of(1L));
    assertThat(fewer.size()).isEqualTo(memory.size() - 6);
    assertThat(fewer.vote(enc.features("castle dragon knight"), 3)).doesNotContainKey(1L);
  }
}
