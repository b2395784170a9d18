package io.chatgen.diffusion.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/** Small array helpers the DJL API spells awkwardly. */
final class NDArrays {
  private NDArrays() {}

  /**
   * Concatenates along {@code axis}; a single part comes back as a new array over the same values
   * (not {@code duplicate()}, which would cut the autograd graph the tiny-model trainer needs).
   */
  static NDArray concat(NDList parts, int axis) {
    if (parts.size() == 1) {
      return standardLayout(parts.head());
    }
    return ai.djl.ndarray.NDArrays.concat(parts, axis);
  }

  /**
   * {@code x} in the standard row-major (NCHW-contiguous) layout: a new view when it already is,
   * otherwise a copy. Like {@code Tensor.contiguous()}, but differentiable through DJL (reshape is
   * recorded by autograd, {@code duplicate()} is not).
   *
   * <p>Why it matters: a token-major tensor turned back into an image ({@code [B, HW, C]} transposed
   * and reshaped to {@code [B, C, H, W]}) is a view with channels-last strides, and PyTorch 2.7.1 on
   * the CPU computes a 1x1 convolution of such an input wrongly at small spatial sizes (measured: 9 to
   * 13% relative error for 160 to 320 input channels at 4x4, exact when the same values are
   * contiguous). Every convolution input goes through here ({@link Conv#apply}).
   */
  static NDArray standardLayout(NDArray x) {
    try (NDArray flat = x.reshape(-1)) {
      return flat.reshape(x.getShape());
    }
  }

  /** Nearest-neighbour upsampling by 2 in H and W, as {@code F.interpolate(scale_factor=2)}. */
  static NDArray upsample2x(NDArray x) {
    try (NDArray rows = x.repeat(2, 2)) {
      return rows.repeat(3, 2);
    }
  }
}
