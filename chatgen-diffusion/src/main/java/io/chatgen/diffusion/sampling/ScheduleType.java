package io.chatgen.diffusion.sampling;

/** How the sigmas of a k-diffusion run are spaced. */
public enum ScheduleType {
  /** k-diffusion's {@code get_sigmas(n)}: timesteps evenly spaced from 999 to 0, then 0; A1111's default. */
  NORMAL,
  /** Karras et al. (2022), rho 7, between the model's smallest and largest sigma. */
  KARRAS,
  /** Evenly spaced in log sigma between the model's smallest and largest sigma. */
  EXPONENTIAL
}
