package io.chatgen.diffusion.sampling;

import io.chatgen.core.InvalidRequestException;

/**
 * The discrete DDPM noise schedule of a CompVis latent diffusion model and k-diffusion's mapping
 * between it and continuous noise levels (sigmas).
 *
 * <p>As in the LDM code A1111 runs, the betas are "scaled linear" ({@code linspace(sqrt(b0),
 * sqrt(b1), n)^2}, in double precision) and the cumulative alpha products are stored as float32;
 * {@code sigma_t = sqrt((1 - abar_t) / abar_t)}. Sigma-to-timestep conversion interpolates linearly
 * in log sigma between the two neighbouring discrete levels (k-diffusion's
 * {@code DiscreteSchedule.sigma_to_t} without quantization) and timestep-to-sigma is its inverse.
 * k-diffusion evaluates these in float32, this class in double: they agree to float32 rounding.
 *
 * <p>Immutable and thread-safe.
 */
public final class NoiseSchedule {
  private static final NoiseSchedule SD = scaledLinear(0.00085, 0.012, 1000);

  private final double[] alphasCumprod;
  private final double[] sigmas;
  private final double[] logSigmas;

  private NoiseSchedule(double[] alphasCumprod) {
    this.alphasCumprod = alphasCumprod;
    int n = alphasCumprod.length;
    this.sigmas = new double[n];
    this.logSigmas = new double[n];
    for (int t = 0; t < n; t++) {
      sigmas[t] = Math.sqrt((1 - alphasCumprod[t]) / alphasCumprod[t]);
      logSigmas[t] = Math.log(sigmas[t]);
    }
  }

  /** Stable Diffusion 1.x/2.x: scaled-linear betas from 0.00085 to 0.012 over 1000 steps. */
  public static NoiseSchedule stableDiffusion() {
    return SD;
  }

  /**
   * A scaled-linear schedule ({@code betas = linspace(sqrt(start), sqrt(end), steps)^2}).
   *
   * @throws InvalidRequestException when the betas are not in (0, 1) or steps is below 2
   */
  public static NoiseSchedule scaledLinear(double betaStart, double betaEnd, int steps) {
    if (steps < 2) {
      throw new InvalidRequestException("a noise schedule needs at least 2 steps, was " + steps);
    }
    if (!(betaStart > 0 && betaStart < 1 && betaEnd > 0 && betaEnd < 1)) {
      throw new InvalidRequestException(
          "betas must be in (0, 1), were " + betaStart + " and " + betaEnd);
    }
    double[] roots = linspace(Math.sqrt(betaStart), Math.sqrt(betaEnd), steps);
    double[] abar = new double[steps];
    double prod = 1;
    for (int t = 0; t < steps; t++) {
      prod *= 1 - roots[t] * roots[t];
      // LDM registers alphas_cumprod as a float32 buffer; k-diffusion and DDIM read that buffer
      abar[t] = (float) prod;
    }
    return new NoiseSchedule(abar);
  }

  /** The number of discrete timesteps (1000 for Stable Diffusion). */
  public int timesteps() {
    return sigmas.length;
  }

  /** The cumulative product of alphas at discrete timestep {@code t}. */
  public double alphaCumprod(int t) {
    return alphasCumprod[checkT(t)];
  }

  /** The noise level of discrete timestep {@code t}. */
  public double sigma(int t) {
    return sigmas[checkT(t)];
  }

  /** The smallest sigma, at timestep 0 (about 0.0292 for SD). */
  public double sigmaMin() {
    return sigmas[0];
  }

  /** The largest sigma, at the last timestep (about 14.6146 for SD). */
  public double sigmaMax() {
    return sigmas[sigmas.length - 1];
  }

  /**
   * The fractional timestep of a noise level, by linear interpolation in log sigma, clamped to
   * [0, timesteps-1].
   */
  public double sigmaToT(double sigma) {
    double logSigma = Math.log(sigma);
    // the last discrete level not above sigma, at most the next-to-last index
    int low = 0;
    for (int i = 0; i < logSigmas.length; i++) {
      if (logSigma - logSigmas[i] >= 0) {
        low = i;
      }
    }
    low = Math.min(low, logSigmas.length - 2);
    double w = (logSigmas[low] - logSigma) / (logSigmas[low] - logSigmas[low + 1]);
    w = Math.max(0, Math.min(1, w));
    return (1 - w) * low + w * (low + 1);
  }

  /** The noise level of a fractional timestep, interpolating linearly in log sigma. */
  public double tToSigma(double t) {
    if (!(t >= 0 && t <= sigmas.length - 1)) {
      throw new InvalidRequestException(
          "timestep must be in [0, " + (sigmas.length - 1) + "], was " + t);
    }
    int low = (int) Math.floor(t);
    int high = (int) Math.ceil(t);
    double w = t - low;
    return Math.exp((1 - w) * logSigmas[low] + w * logSigmas[high]);
  }

  /** The sigmas of a k-diffusion run of {@code steps} steps with the given spacing, ending in 0. */
  public double[] sigmas(ScheduleType type, int steps) {
    return switch (type) {
      case NORMAL -> normalSigmas(steps);
      case KARRAS -> karrasSigmas(steps, sigmaMin(), sigmaMax(), 7.0);
      case EXPONENTIAL -> exponentialSigmas(steps, sigmaMin(), sigmaMax());
    };
  }

  /**
   * k-diffusion's {@code DiscreteSchedule.get_sigmas(n)}, A1111's "normal"/"automatic" schedule:
   * {@code n} timesteps evenly spaced from the last to 0, their sigmas, then a final 0.
   */
  public double[] normalSigmas(int steps) {
    checkSteps(steps);
    double[] t = linspace(sigmas.length - 1, 0, steps);
    double[] out = new double[steps + 1];
    for (int i = 0; i < steps; i++) {
      out[i] = tToSigma(t[i]);
    }
    return out;
  }

  /** Karras et al. (2022) sigmas: {@code (max^(1/rho) + ramp (min^(1/rho) - max^(1/rho)))^rho}, then 0. */
  public static double[] karrasSigmas(int steps, double sigmaMin, double sigmaMax, double rho) {
    checkSteps(steps);
    double[] ramp = linspace(0, 1, steps);
    double minInv = Math.pow(sigmaMin, 1 / rho);
    double maxInv = Math.pow(sigmaMax, 1 / rho);
    double[] out = new double[steps + 1];
    for (int i = 0; i < steps; i++) {
      out[i] = Math.pow(maxInv + ramp[i] * (minInv - maxInv), rho);
    }
    return out;
  }

  /** Sigmas evenly spaced in log from {@code sigmaMax} to {@code sigmaMin}, then 0. */
  public static double[] exponentialSigmas(int steps, double sigmaMin, double sigmaMax) {
    checkSteps(steps);
    double[] logs = linspace(Math.log(sigmaMax), Math.log(sigmaMin), steps);
    double[] out = new double[steps + 1];
    for (int i = 0; i < steps; i++) {
      out[i] = Math.exp(logs[i]);
    }
    return out;
  }

  /** {@code torch.linspace}: the first half counted from the start, the second from the end. */
  static double[] linspace(double start, double end, int n) {
    double[] out = new double[n];
    if (n == 1) {
      out[0] = start;
      return out;
    }
    double step = (end - start) / (n - 1);
    int half = n / 2;
    for (int i = 0; i < n; i++) {
      out[i] = i < half ? start + step * i : end - step * (n - 1 - i);
    }
    return out;
  }

  private static void checkSteps(int steps) {
    if (steps < 1) {
      throw new InvalidRequestException("a sigma schedule needs at least 1 step, was " + steps);
    }
  }

  private int checkT(int t) {
    if (t < 0 || t >= sigmas.length) {
      throw new InvalidRequestException(
          "timestep must be 0 to " + (sigmas.length - 1) + ", was " + t);
    }
    return t;
  }
}
