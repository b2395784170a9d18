package io.chatgen.diffusion.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;

/** A 2-D convolution with square kernel, stride and padding, and a bias. */
final class Conv {
  private final NDArray weight;
  private final NDArray bias;
  private final Shape stride;
  private final Shape padding;
  private final long outChannels;

  Conv(NDArray weight, NDArray bias, int stride, int padding) {
    this.weight = weight;
    this.bias = bias;
    this.stride = new Shape(stride, stride);
    this.padding = new Shape(padding, padding);
    this.outChannels = weight.getShape().get(0);
  }

  /**
   * Loads {@code prefix.weight} [out, in, k, k] and {@code prefix.bias} [out]; {@code out} may be
   * {@link Weights#ANY} when the checkpoint decides it.
   */
  static Conv load(Weights w, String prefix, long out, long in, int kernel, int stride, int padding) {
    NDArray weight = w.get(prefix + ".weight", out, in, kernel, kernel);
    long o = weight.getShape().get(0);
    NDArray bias = w.get(prefix + ".bias", o);
    return new Conv(weight, bias, stride, padding);
  }

  long outChannels() {
    return outChannels;
  }

  NDArray apply(NDArray x) {
    // standard layout first: PyTorch 2.7.1 miscomputes 1x1 convolutions of channels-last inputs
    try (NDArray in = NDArrays.standardLayout(x)) {
      return Conv2d.conv2d(in, weight, bias, stride, padding, new Shape(1, 1), 1).singletonOrThrow();
    }
  }
}
