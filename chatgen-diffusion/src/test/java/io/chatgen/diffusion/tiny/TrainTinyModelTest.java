package io.chatgen.diffusion.tiny;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TrainTinyModelTest {
  @Test
  void aHealthyGradientIsUsedAtOnce() {
    assertThat(TrainTinyModel.usableGradient(0.8, Double.NaN)).isTrue();
    assertThat(TrainTinyModel.usableGradient(9_999, Double.NaN)).isTrue();
  }

  @Test
  void aNonFiniteOrHugeGradientIsComputedAgain() {
    // the faults seen: norms of 1e26 and more, which overflow to infinity when squared in float
    assertThat(TrainTinyModel.usableGradient(Double.POSITIVE_INFINITY, Double.NaN)).isFalse();
    assertThat(TrainTinyModel.usableGradient(Double.NaN, Double.NaN)).isFalse();
    assertThat(TrainTinyModel.usableGradient(3.4e9, Double.NaN)).isFalse();
    assertThat(TrainTinyModel.usableGradient(3.4e9, 1.2e12)).isFalse();
  }

  @Test
  void aHugeGradientThatRepeatsExactlyIsReal() {
    assertThat(TrainTinyModel.usableGradient(3.4e9, 3.4e9)).isTrue();
    assertThat(TrainTinyModel.usableGradient(Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY)).isFalse();
  }
}
