package io.chatgen.diffusion.model;

import ai.djl.ndarray.NDArray;
import org.jspecify.annotations.Nullable;

/** A fully connected layer {@code x W^T + b} over the last axis; the bias is optional. */
final class Linear {
  private final NDArray weight;
  private final @Nullable NDArray bias;

  Linear(NDArray weight, @Nullable NDArray bias) {
    this.weight = weight;
    this.bias = bias;
  }

  /** Loads {@code prefix.weight} [out, in] and, when {@code withBias}, {@code prefix.bias} [out]. */
  static Linear load(Weights w, String prefix, long out, long in, boolean withBias) {
    NDArray weight = w.getPointwise(prefix + ".weight", resolve(w, prefix, out), in);
    NDArray bias = withBias ? w.get(prefix + ".bias", weight.getShape().get(0)) : null;
    return new Linear(weight, bias);
  }

  private static long resolve(Weights w, String prefix, long out) {
    if (out != Weights.ANY) {
      return out;
    }
    return w.shape(prefix + ".weight")[0];
  }

  long outFeatures() {
    return weight.getShape().get(0);
  }

  NDArray apply(NDArray x) {
    return ai.djl.nn.core.Linear.linear(x, weight, bias).singletonOrThrow();
  }
}
