package io.chatgen.diffusion.model;

import ai.djl.ndarray.NDArray;
import java.util.function.BinaryOperator;

/**
 * Products and quotients with a constant that the backward pass can use safely.
 *
 * <p>DJL's {@code NDArray.mul(Number)} and {@code muli(Number)} (PyTorch engine 0.36) wrap the
 * number in a zero-dimensional tensor over a Java direct buffer, without copying, and close that
 * tensor as soon as the product is made. Autograd keeps the tensor for the backward pass (the
 * gradient of {@code x * c} is {@code c} times the incoming one), but nothing keeps its buffer:
 * once the garbage collector frees it, the backward pass multiplies by whatever that memory holds
 * by then. That is the "garbage gradients with a correct loss" the tiny-model trainer met now and
 * then (in attention's query scaling and quick-GELU); forcing a collection between the forward and
 * the backward pass turned it into every step. The constant made here is allocated by the engine,
 * so the autograd graph keeps it alive as long as it needs it. It has the type DJL gives the
 * number (float32 for a float, float64 for a double), so results are bit for bit those of
 * {@code mul(Number)} / {@code div(Number)} when nothing is freed.
 */
public final class Scalars {
  private Scalars() {}

  /** {@code x * c} as a new array, differentiable through {@code x}. */
  public static NDArray times(NDArray x, float c) {
    return withConstant(x, x.getManager().create(c), NDArray::mul);
  }

  /** {@code x * c} with a double constant, as {@code mul(double)} computes it. */
  public static NDArray times(NDArray x, double c) {
    return withConstant(x, x.getManager().create(c), NDArray::mul);
  }

  /** {@code x / c} with a double constant, as {@code div(double)} computes it. */
  public static NDArray dividedBy(NDArray x, double c) {
    return withConstant(x, x.getManager().create(c), NDArray::div);
  }

  /** {@code x *= c} in place, differentiable through {@code x}; returns {@code x}. */
  public static NDArray timesInPlace(NDArray x, float c) {
    return withConstant(x, x.getManager().create(c), NDArray::muli);
  }

  /**
   * {@code op(x, c)} with an engine-allocated copy of the scalar DJL made over a Java buffer (same
   * type and value); both scalars are closed, the engine keeps its copy alive for autograd.
   */
  private static NDArray withConstant(NDArray x, NDArray javaBacked, BinaryOperator<NDArray> op) {
    try (javaBacked; NDArray constant = javaBacked.duplicate()) {
      return op.apply(x, constant);
    }
  }
}
