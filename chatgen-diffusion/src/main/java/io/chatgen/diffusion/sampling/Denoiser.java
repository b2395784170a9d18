package io.chatgen.diffusion.sampling;

/**
 * k-diffusion's view of a model: the denoised estimate of {@code x} at noise level
 * {@code sigma}.
 */
@FunctionalInterface
public interface Denoiser {
  /** The denoised estimate; {@code x} is not modified. */
  double[] denoise(double[] x, double sigma);

  /**
   * k-diffusion's {@code CompVisDenoiser} (DiscreteEpsDDPMDenoiser, not quantized): scales the
   * input by {@code 1/sqrt(sigma^2+1)}, maps sigma to a fractional timestep by log-sigma
   * interpolation and returns {@code x - sigma * eps}.
   */
  static Denoiser compVis(NoisePredictor model, NoiseSchedule schedule) {
    return (x, sigma) -> {
      double cIn = 1 / Math.sqrt(sigma * sigma + 1);
      double[] scaled = new double[x.length];
      for (int i = 0; i < x.length; i++) {
        scaled[i] = x[i] * cIn;
      }
      double[] eps = model.predictNoise(scaled, schedule.sigmaToT(sigma));
      if (eps.length != x.length) {
        throw new IllegalStateException(
            "noise predictor returned " + eps.length + " values for " + x.length + " inputs");
      }
      double[] out = new double[x.length];
      for (int i = 0; i < x.length; i++) {
        out[i] = x[i] - sigma * eps[i];
      }
      return out;
    };
  }
}
