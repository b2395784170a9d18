package io.chatgen.diffusion.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Gradients through a multiplication by a constant stay right when the garbage collector runs
 * between the forward and the backward pass. With DJL's {@code mul(Number)} in place of
 * {@link Scalars} these tests fail: the constant's Java buffer is freed and the backward pass reads
 * the freed memory (seen as gradients of 1e35 or NaN).
 */
class ScalarsTest {

  @Test
  void timesKeepsItsConstantForTheBackwardPass() {
    assertGradientSurvivesCollection(x -> Scalars.times(x, 3f), x -> 3f);
  }

  @Test
  void timesInPlaceKeepsItsConstantForTheBackwardPass() {
    assertGradientSurvivesCollection(x -> Scalars.timesInPlace(x.mul(x), 0.25f), x -> 0.5f * x);
  }

  @Test
  void quickGeluKeepsItsConstantForTheBackwardPass() {
    // d/dx [x * sigmoid(1.702 x)] = s + 1.702 x s (1 - s), s = sigmoid(1.702 x)
    assertGradientSurvivesCollection(Activations::quickGelu, x -> {
      double s = 1 / (1 + Math.exp(-1.702 * x));
      return (float) (s + 1.702 * x * s * (1 - s));
    });
  }

  @Test
  void resultsEqualDjlsOwnScalarProduct() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray x = m.randomNormal(new Shape(64));
      assertThat(Scalars.times(x, 1.702f).toFloatArray()).containsExactly(x.mul(1.702f).toFloatArray());
    }
  }

  /** Many products in one graph, a full collection with junk allocations, then the backward pass. */
  private static void assertGradientSurvivesCollection(UnaryOperator<NDArray> f, FloatUnary expected) {
    float[] values = new float[32];
    for (int i = 0; i < values.length; i++) {
      values[i] = (i - 16) / 8f;
    }
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray x = m.create(values);
      x.setRequiresGradient(true);
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray total = null;
        for (int i = 0; i < 200; i++) {
          NDArray y = f.apply(x).sum();
          total = total == null ? y : total.add(y);
        }
        collectGarbage();
        gc.backward(total);
      }
      float[] grad = x.getGradient().toFloatArray();
      for (int i = 0; i < values.length; i++) {
        assertThat(grad[i]).as("gradient at x = %s", values[i])
            .isCloseTo(200 * expected.apply(values[i]), offset(1e-3f));
      }
    }
  }

  /** Runs the collector until a fresh object is gone, gives the cleaner time, reuses small blocks. */
  private static void collectGarbage() {
    WeakReference<Object> canary = new WeakReference<>(new Object());
    for (int i = 0; i < 20 && canary.get() != null; i++) {
      System.gc();
    }
    List<ByteBuffer> junk = new ArrayList<>();
    for (int round = 0; round < 5; round++) {
      System.gc();
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      for (int i = 0; i < 200; i++) {
        ByteBuffer b = ByteBuffer.allocateDirect(4 + (i % 4) * 4);
        while (b.hasRemaining()) {
          b.put((byte) 0x7f);
        }
        junk.add(b);
      }
    }
  }

  @FunctionalInterface
  private interface FloatUnary {
    float apply(float x);
  }
}
