package io.chatgen.diffusion.sampling;

/**
 * An epsilon-prediction diffusion model seen by a sampler: given the scaled model input and a
 * discrete DDPM timestep, the noise it predicts. In the generator this is the UNet with
 * classifier-free guidance applied; in tests an analytic toy.
 */
@FunctionalInterface
public interface NoisePredictor {
  /**
   * Predicts the noise in {@code modelInput}.
   *
   * @param modelInput the latents as the UNet sees them (already multiplied by c_in for
   *     k-diffusion samplers), flat; not modified
   * @param timestep the DDPM timestep, 0 to 999, possibly fractional
   * @return the predicted noise, same length as {@code modelInput}
   */
  double[] predictNoise(double[] modelInput, double timestep);
}
