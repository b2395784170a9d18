package io.chatgen.diffusion.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

/** The activations SD uses that DJL lacks as single calls. */
final class Activations {
  private Activations() {}

  /**
   * SiLU {@code x * sigmoid(x)}; returns a new array. Not computed in place on the sigmoid's
   * result: autograd keeps that result for the backward pass, so overwriting it would make the
   * model untrainable (the tiny-model trainer backpropagates through these layers).
   */
  static NDArray silu(NDArray x) {
    try (NDArray s = Activation.sigmoid(x)) {
      return s.mul(x);
    }
  }

  /** CLIP's quick GELU {@code x * sigmoid(1.702 x)}; returns a new array (not in place, see {@link #silu}). */
  static NDArray quickGelu(NDArray x) {
    try (NDArray scaled = Scalars.times(x, 1.702f); NDArray s = Activation.sigmoid(scaled)) {
      return s.mul(x);
    }
  }

  /** Exact (erf) GELU as {@code torch.nn.functional.gelu} computes it by default. */
  static NDArray gelu(NDArray x) {
    return Activation.gelu(x);
  }
}
