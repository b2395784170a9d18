package io.chatgen.diffusion.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;

/**
 * A GroupNorm layer over [B, C, H, W] with its affine parameters; the group count is the model's
 * ({@link Norms#groups()}: 32 as in SD unless the checkpoint's metadata says otherwise).
 */
final class GroupNorm {
  /** SD's group count, used when the checkpoint does not set {@code chatgen.norm_groups}. */
  static final int GROUPS = 32;

  private final Norms norms;
  private final NDArray gamma;
  private final NDArray beta;
  private final float eps;

  private GroupNorm(Norms norms, NDArray gamma, NDArray beta, float eps) {
    this.norms = norms;
    this.gamma = gamma;
    this.beta = beta;
    this.eps = eps;
  }

  /** Loads {@code prefix.weight} and {@code prefix.bias} of size {@code channels}. */
  static GroupNorm load(Weights w, Norms norms, String prefix, long channels, float eps) {
    int groups = norms.groups();
    if (channels % groups != 0) {
      throw new io.chatgen.core.ModelLoadException("tensor '" + prefix + ".weight' normalises "
          + channels + " channels, which GroupNorm(" + groups + ") cannot split into groups; expected a"
          + " multiple of " + groups);
    }
    Shape s = new Shape(channels, 1, 1);
    return new GroupNorm(norms, w.getReshaped(prefix + ".weight", s, channels),
        w.getReshaped(prefix + ".bias", s, channels), eps);
  }

  NDArray apply(NDArray x) {
    return norms.groupNorm(x, norms.groups(), gamma, beta, eps);
  }

  /** GroupNorm followed by SiLU, the pattern of every ResBlock (in place on the fresh result). */
  NDArray applySilu(NDArray x) {
    NDArray h = apply(x);
    try (NDArray sig = Activation.sigmoid(h)) {
      return h.muli(sig);
    }
  }
}
