package io.chatgen.diffusion.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/** Small array helpers the DJL API spells awkwardly. */
final class NDArrays {
  private NDArrays() {}

  /** Concatenates along {@code axis}; a single part is copied so the result is always fresh. */
  static NDArray concat(NDList parts, int axis) {
    if (parts.size() == 1) {
      return parts.head().duplicate();
    }
    return ai.djl.ndarray.NDArrays.concat(parts, axis);
  }

  /** Nearest-neighbour upsampling by 2 in H and W, as {@code F.interpolate(scale_factor=2)}. */
  static NDArray upsample2x(NDArray x) {
    try (NDArray rows = x.repeat(2, 2)) {
      return rows.repeat(3, 2);
    }
  }
}
