package io.chatgen.modeltoken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import io.chatgen.core.BaseArchitecture;
import io.chatgen.core.InvalidRequestException;
import io.chatgen.core.ModelCard;
import io.chatgen.modeltoken.encoder.HashedTextEncoder;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelTokenTrainerTest {
  private final HashedTextEncoder enc = Fixtures.encoder();

  private ModelTokenTrainer trainer(List<TrainingListener.EpochStats> log, long seed) {
    return ModelTokenTrainer.builder().optEpochs(15).optBatchSize(8).optLearningRate(0.05f).optSeed(seed)
        .optListener(log::add).build();
  }

  @Test
  void loss_decreases_and_the_training_texts_end_up_on_their_own_tokens() {
    List<TrainingListener.EpochStats> log = new ArrayList<>();
    ModelTokenVocabulary v = trainer(log, 1).train(Fixtures.cards(), Fixtures.texts(), enc, "t");
    assertThat(log).hasSize(15);
    assertThat(log.get(14).loss()).isLessThan(log.get(0).loss() * 0.5);
    assertThat(log.get(14).accuracy()).isEqualTo(1.0);
    float[] e = enc.encode("a knight with a sword near the castle");
    int best = 0;
    double bestScore = Double.NEGATIVE_INFINITY;
    for (int m = 0; m < v.size(); m++) {
      float[] row = v.row(m);
      double s = 0;
      for (int k = 0; k < row.length; k++) {
        s += row[k] * e[k];
      }
      if (s > bestScore) {
        bestScore = s;
        best = m;
      }
    }
    assertThat(v.card(best).id()).isEqualTo(1L);
    assertThat(v.provenance().encoderId()).isEqualTo(enc.id());
    assertThat(v.provenance().dataHash()).isEqualTo(ModelTokenTrainer.dataHash(Fixtures.texts()));
  }

  @Test
  void the_same_seed_gives_the_same_bits_and_another_seed_does_not() {
    float[] a = trainer(new ArrayList<>(), 5).train(Fixtures.cards(), Fixtures.texts(), enc, "t").matrix();
    float[] b = trainer(new ArrayList<>(), 5).train(Fixtures.cards(), Fixtures.texts(), enc, "t").matrix();
    float[] c = trainer(new ArrayList<>(), 6).train(Fixtures.cards(), Fixtures.texts(), enc, "t").matrix();
    assertThat(b).isEqualTo(a);
    assertThat(c).isNotEqualTo(a);
  }

  @Test
  void texts_of_unknown_models_and_empty_data_are_refused() {
    ModelTokenTrainer t = trainer(new ArrayList<>(), 1);
    assertThatThrownBy(() -> t.train(Fixtures.cards(), List.of(new LabeledText("castle", 99)), enc, ""))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("99");
    assertThatThrownBy(() -> t.train(Fixtures.cards(), List.of(), enc, ""))
        .isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(() -> new LabeledText(" ", 1)).isInstanceOf(InvalidRequestException.class);
  }

  @Test
  void few_shot_expansion_keeps_old_rows_bit_identical_and_learns_the_new_model() {
    ModelTokenTrainer t = trainer(new ArrayList<>(), 1);
    ModelTokenVocabulary base = t.train(Fixtures.cards(), Fixtures.texts(), enc, "t");
    HashedTextEncoder wide = enc;
    ModelCard ocean = Fixtures.card(5, "Ocean Mix", BaseArchitecture.SD_1, false);
    // words the encoder knows (fitted on the fixture) but arranged as a new model's signature
    List<String> shots = List.of("cherry rain lens", "rain lens cherry sword", "lens cherry rain");
    ModelTokenVocabulary bigger = t.expand(base, List.of(new NewModel(ocean, shots)), wide);
    assertThat(bigger.size()).isEqualTo(base.size() + 1);
    for (int m = 0; m < base.size(); m++) {
      assertThat(bigger.row(m)).isEqualTo(base.row(m));
    }
    assertThat(java.util.Arrays.copyOf(bigger.matrix(), base.matrix().length)).isEqualTo(base.matrix());
    assertThat(bigger.provenance().version()).isEqualTo(2);
    assertThat(bigger.provenance().notes()).contains("1 few-shot");
    float[] e = enc.encode("cherry rain lens");
    double newScore = dot(bigger.row(4), e);
    for (int m = 0; m < base.size(); m++) {
      assertThat(newScore).isGreaterThan(dot(bigger.row(m), e));
    }
  }

  @Test
  void zero_shot_expansion_uses_the_card_and_duplicates_are_refused() {
    ModelTokenTrainer t = trainer(new ArrayList<>(), 1);
    ModelTokenVocabulary base = t.train(Fixtures.cards(), Fixtures.texts(), enc, "t");
    ModelCard robots = new ModelCard(6, 60, "Robot Works", BaseArchitecture.SD_1, "SD 1.5", List.of("robot", "neon"),
        List.of("cyberpunk"), "", List.of(), false, null);
    ModelTokenVocabulary bigger = t.expand(base, List.of(NewModel.zeroShot(robots)), enc);
    assertThat(bigger.byModelId(6)).isPresent();
    assertThat(dot(bigger.row(4), enc.encode("robot neon cyberpunk"))).isGreaterThan(0);
    assertThatThrownBy(() -> t.expand(base, List.of(NewModel.zeroShot(Fixtures.cards().get(0))), enc))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("already in the vocabulary");
    assertThatThrownBy(() -> t.expand(base, List.of(NewModel.zeroShot(robots), NewModel.zeroShot(robots)), enc))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("added twice");
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  /**
   * The loss's division by the batch size keeps its divisor for the backward pass through a
   * garbage collection (with DJL's {@code div(Number)} the gradient read freed memory).
   */
  @Test
  void perExampleGradientSurvivesGarbageCollection() throws InterruptedException {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray x = m.create(new float[] {1f, 2f, 3f, 4f});
      x.setRequiresGradient(true);
      try (GradientCollector gc = m.getEngine().newGradientCollector()) {
        NDArray total = null;
        for (int i = 0; i < 200; i++) {
          NDArray l = ModelTokenTrainer.perExample(x.sum(), 8);
          total = total == null ? l : total.add(l);
        }
        List<ByteBuffer> junk = new ArrayList<>();
        for (int round = 0; round < 5; round++) {
          System.gc();
          Thread.sleep(20);
          for (int i = 0; i < 200; i++) {
            ByteBuffer b = ByteBuffer.allocateDirect(4 + (i % 4) * 4);
            while (b.hasRemaining()) {
              b.put((byte) 0x7f);
            }
            junk.add(b);
          }
        }
        gc.backward(total);
        assertThat(total.getFloat()).isEqualTo(200 * 10f / 8);
      }
      assertThat(x.getGradient().toFloatArray()).containsOnly(200f / 8);
    }
  }
}
