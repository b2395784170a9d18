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
  void popularity_prior_multiplies_each_model_by_its_demo_count_to_the_prior_weight() {
    Calibration c = new Calibration(1.0, 1.0, 10, 0.5, 1.0, 0.5);
    // z = 0 + ln(0.5) + 0.5 ln 16 for both: the prior ln 16 vs ln 4 decides
    double[] p = c.blend(new float[] {0f, 0f}, new double[] {0.0, 0.0}, new double[] {Math.log(16), Math.log(4)},
        new boolean[] {true, true});
    assertThat(p[0] / p[1]).isCloseTo(2.0, Offset.offset(1e-9));
    assertThatThrownBy(() -> c.blend(new float[2], new double[2], new double[3], new boolean[2]))
        .isInstanceOf(InvalidRequestException.class);
  }

  @Test
  void four_argument_calibration_means_plain_vote_and_no_prior() {
    Calibration c = new Calibration(2.0, 1.0, 10, 0.5);
    assertThat(c.similarityPower()).isEqualTo(1.0);
    assertThat(c.priorWeight()).isZero();
    assertThat(c.nameWeight()).isZero();
    assertThat(new Calibration(1, 1, 10, 0.5, 2, 0.25).nameWeight()).isZero();
  }

  @Test
  void the_name_match_multiplies_each_model_by_exp_of_its_weighted_score() {
    Calibration c = new Calibration(1.0, 1.0, 10, 0.5, 1.0, 0.0, 0.5);
    // z = 0 + ln(0.5) + 0.5 * name: names 2 and 0 give a ratio of e^1
    double[] p = c.blend(new float[] {0f, 0f}, new double[] {0.0, 0.0}, new double[2], new double[] {2.0, 0.0},
        new boolean[] {true, true});
    assertThat(p[0] / p[1]).isCloseTo(Math.E, Offset.offset(1e-9));
    // weight 0 reads no names
    double[] q = c.withNameWeight(0).blend(new float[] {0f, 0f}, new double[] {0.0, 0.0}, new double[2],
        new double[] {2.0, 0.0}, new boolean[] {true, true});
    assertThat(q[0]).isCloseTo(0.5, Offset.offset(1e-12));
    assertThatThrownBy(() -> c.blend(new float[2], new double[2], new double[2], new double[1], new boolean[2]))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("1 name scores");
  }

  @Test
  void vote_with_a_similarity_power_sums_each_models_similarities_to_that_power() {
    var enc = Fixtures.encoder();
    var memory = NeighbourMemory.of(Fixtures.texts().stream().map(t -> enc.features(t.text())).toList(),
        Fixtures.texts().stream().map(LabeledText::modelId).toList());
    var q = enc.features("castle dragon knight");
    NeighbourMemory.Neighbours nb = memory.nearest(q, 5);
    assertThat(nb.docs()).hasSize(5);
    for (int i = 1; i < nb.similarities().length; i++) {
      assertThat(nb.similarities()[i]).isLessThanOrEqualTo(nb.similarities()[i - 1]);
    }
    var plain = memory.vote(q, 5, 1.0);
    var sharp = memory.vote(q, 5, 4.0);
    assertThat(plain).isEqualTo(memory.vote(q, 5));
    java.util.Map<Long, Double> expected = new java.util.HashMap<>();
    for (int i = 0; i < nb.docs().length; i++) {
      expected.merge(memory.modelOf(nb.docs()[i]), Math.pow(nb.similarities()[i], 4), Double::sum);
    }
    assertThat(sharp.keySet()).isEqualTo(expected.keySet());
    expected.forEach((id, v) -> assertThat(sharp.get(id)).isCloseTo(v, Offset.offset(1e-9)));
    assertThat(memory.documentsPerModel().values().stream().mapToInt(Integer::intValue).sum())
        .isEqualTo(memory.size());
    assertThatThrownBy(() -> memory.vote(q, 5, 0)).isInstanceOf(InvalidRequestException.class);
  }

  @Test
  void bad_settings_are_refused() {
    assertThatThrownBy(() -> new Calibration(1, 1, 10, 0.1, 0, 0)).isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(() -> new Calibration(1, 1, 10, 0.1, 1, -1)).isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(() -> new Calibration(0, 1, 10, 0.1)).isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(() -> new Calibration(1, -1, 10, 0.1)).isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(() -> new Calibration(1, 1, 0, 0.1)).isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(() -> new Calibration(1, 1, 10, 0)).isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(() -> new Calibration(1, 1, 10, 0.1, 1, 0, -0.1)).isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("nameWeight");
    assertThatThrownBy(() -> new Calibration(1, 1, 10, 0.1, 1, 0, Double.NaN))
        .isInstanceOf(InvalidRequestException.class);
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
