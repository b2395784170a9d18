package io.chatgen.diffusion.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

/**
 * Convolutions give the same result whatever the memory layout of their input. A SpatialTransformer
 * hands back a transposed view (channels-last strides); PyTorch 2.7.1 on the CPU computed a 1x1
 * convolution of it at 4x4 with a 9-13% relative error, which made the full SD 1.5 UNet differ from
 * CompVis' by 5-10% before {@link NDArrays#standardLayout} was put in front of every convolution.
 */
class ConvLayoutTest {

  @Test
  void pointwiseConvolutionOfAChannelsLastViewMatchesTheContiguousInput() {
    try (NDManager m = NDManager.newBaseManager()) {
      m.getEngine().setRandomSeed(7);
      long in = 320;
      long out = 320;
      NDArray tokens = m.randomNormal(new Shape(2, 16, in));
      NDArray channelsLast = tokens.transpose(0, 2, 1).reshape(2, in, 4, 4);
      NDArray contiguous = m.create(channelsLast.toFloatArray(), channelsLast.getShape());
      Conv conv = new Conv(m.randomNormal(new Shape(out, in, 1, 1)).div(Math.sqrt(in)),
          m.randomNormal(new Shape(out)), 1, 0);

      NDArray expected = conv.apply(contiguous);
      NDArray actual = conv.apply(channelsLast);

      double rel = actual.sub(expected).norm().getFloat() / expected.norm().getFloat();
      assertThat(rel).isLessThan(1e-5);
    }
  }

  @Test
  void standardLayoutKeepsValuesAndGradients() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray x = m.arange(24f).reshape(2, 3, 4);
      x.setRequiresGradient(true);
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray view = x.transpose(0, 2, 1);
        NDArray y = NDArrays.standardLayout(view);
        assertThat(y.toFloatArray()).containsExactly(view.toFloatArray());
        gc.backward(y.mul(y).sum());
      }
      // d(sum y^2)/dx = 2x: the copy is part of the graph (duplicate() would give zero)
      assertThat(x.getGradient().toFloatArray()).containsExactly(x.mul(2).toFloatArray());
    }
  }
}
