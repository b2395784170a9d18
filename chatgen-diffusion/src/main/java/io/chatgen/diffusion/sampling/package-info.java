/**
 * Diffusion samplers as A1111 runs them: the CompVis discrete noise schedule of Stable Diffusion
 * (scaled-linear betas 0.00085..0.012 over 1000 steps) with k-diffusion's sigma/timestep mapping,
 * the "normal", Karras and exponential sigma schedules, the k-diffusion samplers (Euler, Euler a,
 * Heun, DPM2, DPM2 a, LMS, DPM++ 2S a, DPM++ SDE, DPM++ 2M, DPM++ 2M SDE) and A1111's timestep
 * samplers (DDIM, PLMS, UniPC). Everything works on flat {@code double[]} latents through the
 * {@link io.chatgen.diffusion.sampling.NoisePredictor} interface, so it needs no engine and is
 * checked numerically against an independent reference.
 */
@NullMarked
package io.chatgen.diffusion.sampling;

import org.jspecify.annotations.NullMarked;
