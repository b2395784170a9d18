package io.chatgen.diffusion.sampling;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import org.jspecify.annotations.Nullable;

/**
 * The k-diffusion sampling algorithms ({@code k_diffusion.sampling.sample_*}) with A1111's default
 * options: {@code s_churn = 0}, {@code eta = 1} for the ancestral and SDE samplers,
 * {@code s_noise = 1}, DPM++ SDE with {@code r = 1/2}, DPM++ 2M SDE with the midpoint solver.
 *
 * <p>Each runs one step per interval of the sigma schedule. Where k-diffusion draws its SDE noise
 * from a Brownian tree (torchsde), these draw independent standard normals from the
 * {@link NoiseSource}; the distribution of each draw is the same, the values are not.
 */
enum KDiffusionAlgorithm {
  /** Euler method steps (Karras et al. 2022, Algorithm 2 without churn). */
  EULER {
    @Override
    double[] sample(Denoiser model, double[] x, double[] sigmas, NoiseSource noise, StepTracker steps) {
      for (int i = 0; i < sigmas.length - 1; i++) {
        steps.beforeStep();
        double[] denoised = model.denoise(x, sigmas[i]);
        double[] d = Vec.toD(x, sigmas[i], denoised);
        x = Vec.plus(x, sigmas[i + 1] - sigmas[i], d);
        steps.afterStep();
      }
      return x;
    }
  },
  /** Euler steps to sigma_down, then fresh noise of sigma_up. */
  EULER_ANCESTRAL {
    @Override
    double[] sample(Denoiser model, double[] x, double[] sigmas, NoiseSource noise, StepTracker steps) {
      for (int i = 0; i < sigmas.length - 1; i++) {
        steps.beforeStep();
        double[] denoised = model.denoise(x, sigmas[i]);
        double[] ud = ancestralStep(sigmas[i], sigmas[i + 1], 1.0);
        double[] d = Vec.toD(x, sigmas[i], denoised);
        x = Vec.plus(x, ud[0] - sigmas[i], d);
        if (sigmas[i + 1] > 0) {
          x = Vec.plus(x, ud[1], noise.next(x.length));
        }
        steps.afterStep();
      }
      return x;
    }
  },
  /** Heun's second-order method, Euler on the last step. */
  HEUN {
    @Override
    double[] sample(Denoiser model, double[] x, double[] sigmas, NoiseSource noise, StepTracker steps) {
      for (int i = 0; i < sigmas.length - 1; i++) {
        steps.beforeStep();
        double[] denoised = model.denoise(x, sigmas[i]);
        double[] d = Vec.toD(x, sigmas[i], denoised);
        double dt = sigmas[i + 1] - sigmas[i];
        if (sigmas[i + 1] == 0) {
          x = Vec.plus(x, dt, d);
        } else {
          double[] x2 = Vec.plus(x, dt, d);
          double[] denoised2 = model.denoise(x2, sigmas[i + 1]);
          double[] d2 = Vec.toD(x2, sigmas[i + 1], denoised2);
          x = Vec.plus(x, dt, Vec.lin(0.5, d, 0.5, d2));
        }
        steps.afterStep();
      }
      return x;
    }
  },
  /** DPM-Solver-2 inspired midpoint steps (geometric midpoint of the sigmas). */
  DPM_2 {
    @Override
    double[] sample(Denoiser model, double[] x, double[] sigmas, NoiseSource noise, StepTracker steps) {
      for (int i = 0; i < sigmas.length - 1; i++) {
        steps.beforeStep();
        double[] denoised = model.denoise(x, sigmas[i]);
        double[] d = Vec.toD(x, sigmas[i], denoised);
        if (sigmas[i + 1] == 0) {
          x = Vec.plus(x, sigmas[i + 1] - sigmas[i], d);
        } else {
          x = midpointStep(model, x, d, sigmas[i], sigmas[i + 1]);
        }
        steps.afterStep();
      }
      return x;
    }
  },
  /** DPM2 midpoint steps to sigma_down, then fresh noise of sigma_up. */
  DPM_2_ANCESTRAL {
    @Override
    double[] sample(Denoiser model, double[] x, double[] sigmas, NoiseSource noise, StepTracker steps) {
      for (int i = 0; i < sigmas.length - 1; i++) {
        steps.beforeStep();
        double[] denoised = model.denoise(x, sigmas[i]);
        double[] ud = ancestralStep(sigmas[i], sigmas[i + 1], 1.0);
        double[] d = Vec.toD(x, sigmas[i], denoised);
        if (ud[0] == 0) {
          x = Vec.plus(x, ud[0] - sigmas[i], d);
        } else {
          x = midpointStep(model, x, d, sigmas[i], ud[0]);
          x = Vec.plus(x, ud[1], noise.next(x.length));
        }
        steps.afterStep();
      }
      return x;
    }
  },
  /** Linear multistep of order 4 over the sigmas (coefficients integrated exactly). */
  LMS {
    @Override
    double[] sample(Denoiser model, double[] x, double[] sigmas, NoiseSource noise, StepTracker steps) {
      int order = 4;
      Deque<double[]> ds = new ArrayDeque<>();
      for (int i = 0; i < sigmas.length - 1; i++) {
        steps.beforeStep();
        double[] denoised = model.denoise(x, sigmas[i]);
        ds.addFirst(Vec.toD(x, sigmas[i], denoised));
        if (ds.size() > order) {
          ds.removeLast();
        }
        int curOrder = Math.min(i + 1, order);
        Iterator<double[]> newestFirst = ds.iterator();
        for (int j = 0; j < curOrder; j++) {
          x = Vec.plus(x, LinearMultistep.coefficient(curOrder, sigmas, i, j), newestFirst.next());
        }
        steps.afterStep();
      }
      return x;
    }
  },
  /** DPM-Solver++(2S) single-step second order to sigma_down, then fresh noise of sigma_up. */
  DPMPP_2S_ANCESTRAL {
    @Override
    double[] sample(Denoiser model, double[] x, double[] sigmas, NoiseSource noise, StepTracker steps) {
      for (int i = 0; i < sigmas.length - 1; i++) {
        steps.beforeStep();
        double[] denoised = model.denoise(x, sigmas[i]);
        double[] ud = ancestralStep(sigmas[i], sigmas[i + 1], 1.0);
        if (ud[0] == 0) {
          double[] d = Vec.toD(x, sigmas[i], denoised);
          x = Vec.plus(x, ud[0] - sigmas[i], d);
        } else {
          double t = tFn(sigmas[i]);
          double tNext = tFn(ud[0]);
          double h = tNext - t;
          double s = t + 0.5 * h;
          double[] x2 = Vec.lin(sigmaFn(s) / sigmaFn(t), x, -Math.expm1(-h * 0.5), denoised);
          double[] denoised2 = model.denoise(x2, sigmaFn(s));
          x = Vec.lin(sigmaFn(tNext) / sigmaFn(t), x, -Math.expm1(-h), denoised2);
        }
        if (sigmas[i + 1] > 0) {
          x = Vec.plus(x, ud[1], noise.next(x.length));
        }
        steps.afterStep();
      }
      return x;
    }
  },
  /** DPM-Solver++ stochastic (two model calls per step, noise at the midpoint and the end). */
  DPMPP_SDE {
    @Override
    double[] sample(Denoiser model, double[] x, double[] sigmas, NoiseSource noise, StepTracker steps) {
      double r = 0.5;
      double fac = 1 / (2 * r);
      for (int i = 0; i < sigmas.length - 1; i++) {
        steps.beforeStep();
        double[] denoised = model.denoise(x, sigmas[i]);
        if (sigmas[i + 1] == 0) {
          double[] d = Vec.toD(x, sigmas[i], denoised);
          x = Vec.plus(x, sigmas[i + 1] - sigmas[i], d);
        } else {
          double t = tFn(sigmas[i]);
          double tNext = tFn(sigmas[i + 1]);
          double h = tNext - t;
          double s = t + h * r;
          double[] ud = ancestralStep(sigmaFn(t), sigmaFn(s), 1.0);
          double sPrime = tFn(ud[0]);
          double[] x2 = Vec.lin(sigmaFn(sPrime) / sigmaFn(t), x, -Math.expm1(t - sPrime), denoised);
          x2 = Vec.plus(x2, ud[1], noise.next(x.length));
          double[] denoised2 = model.denoise(x2, sigmaFn(s));
          ud = ancestralStep(sigmaFn(t), sigmaFn(tNext), 1.0);
          double tNextPrime = tFn(ud[0]);
          double[] denoisedD = Vec.lin(1 - fac, denoised, fac, denoised2);
          x = Vec.lin(sigmaFn(tNextPrime) / sigmaFn(t), x, -Math.expm1(t - tNextPrime), denoisedD);
          x = Vec.plus(x, ud[1], noise.next(x.length));
        }
        steps.afterStep();
      }
      return x;
    }
  },
  /** DPM-Solver++(2M): second-order multistep in log sigma. */
  DPMPP_2M {
    @Override
    double[] sample(Denoiser model, double[] x, double[] sigmas, NoiseSource noise, StepTracker steps) {
      double @Nullable [] oldDenoised = null;
      for (int i = 0; i < sigmas.length - 1; i++) {
        steps.beforeStep();
        double[] denoised = model.denoise(x, sigmas[i]);
        if (sigmas[i + 1] == 0) {
          // the limit of the update below as sigma_next -> 0
          x = denoised.clone();
        } else {
          double t = tFn(sigmas[i]);
          double tNext = tFn(sigmas[i + 1]);
          double h = tNext - t;
          double[] denoisedD = denoised;
          if (oldDenoised != null) {
            double hLast = t - tFn(sigmas[i - 1]);
            double r = hLast / h;
            denoisedD = Vec.lin(1 + 1 / (2 * r), denoised, -1 / (2 * r), oldDenoised);
          }
          x = Vec.lin(sigmaFn(tNext) / sigmaFn(t), x, -Math.expm1(-h), denoisedD);
        }
        oldDenoised = denoised;
        steps.afterStep();
      }
      return x;
    }
  },
  /** DPM-Solver++(2M) SDE, midpoint variant, eta 1. */
  DPMPP_2M_SDE {
    @Override
    double[] sample(Denoiser model, double[] x, double[] sigmas, NoiseSource noise, StepTracker steps) {
      double @Nullable [] oldDenoised = null;
      double hLast = Double.NaN;
      for (int i = 0; i < sigmas.length - 1; i++) {
        steps.beforeStep();
        double[] denoised = model.denoise(x, sigmas[i]);
        if (sigmas[i + 1] == 0) {
          x = denoised.clone();
        } else {
          double t = -Math.log(sigmas[i]);
          double s = -Math.log(sigmas[i + 1]);
          double h = s - t;
          double etaH = h;
          double phi = -Math.expm1(-h - etaH);
          x = Vec.lin(sigmas[i + 1] / sigmas[i] * Math.exp(-etaH), x, phi, denoised);
          if (oldDenoised != null) {
            double r = hLast / h;
            x = Vec.plus(x, 0.5 * phi * (1 / r), Vec.lin(1, denoised, -1, oldDenoised));
          }
          x = Vec.plus(x, sigmas[i + 1] * Math.sqrt(-Math.expm1(-2 * etaH)), noise.next(x.length));
          hLast = h;
        }
        oldDenoised = denoised;
        steps.afterStep();
      }
      return x;
    }
  };

  /**
   * Runs the algorithm from {@code x} (already at noise level {@code sigmas[0]}) down the schedule.
   */
  abstract double[] sample(Denoiser model, double[] x, double[] sigmas, NoiseSource noise, StepTracker steps);

  /** Model evaluations are not steps: this is the number of progress steps (intervals). */
  static int stepCount(double[] sigmas) {
    return sigmas.length - 1;
  }

  /** k-diffusion's {@code get_ancestral_step}: {sigma_down, sigma_up}. */
  static double[] ancestralStep(double sigmaFrom, double sigmaTo, double eta) {
    if (eta == 0) {
      return new double[] {sigmaTo, 0};
    }
    double up = Math.min(sigmaTo,
        eta * Math.sqrt(sigmaTo * sigmaTo * (sigmaFrom * sigmaFrom - sigmaTo * sigmaTo)
            / (sigmaFrom * sigmaFrom)));
    double down = Math.sqrt(sigmaTo * sigmaTo - up * up);
    return new double[] {down, up};
  }

  private static double[] midpointStep(Denoiser model, double[] x, double[] d, double sigma, double sigmaNext) {
    double logSigma = Math.log(sigma);
    double sigmaMid = Math.exp(logSigma + 0.5 * (Math.log(sigmaNext) - logSigma));
    double[] x2 = Vec.plus(x, sigmaMid - sigma, d);
    double[] denoised2 = model.denoise(x2, sigmaMid);
    double[] d2 = Vec.toD(x2, sigmaMid, denoised2);
    return Vec.plus(x, sigmaNext - sigma, d2);
  }

  private static double tFn(double sigma) {
    return -Math.log(sigma);
  }

  private static double sigmaFn(double t) {
    return Math.exp(-t);
  }
}
