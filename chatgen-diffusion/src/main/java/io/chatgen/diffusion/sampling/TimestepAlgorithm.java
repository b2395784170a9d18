package io.chatgen.diffusion.sampling;

import java.util.ArrayList;
import java.util.List;

/**
 * A1111's timestep samplers ({@code sd_samplers_timesteps_impl}): DDIM with eta 0 and PLMS, run
 * on the noise prediction directly at integer timesteps, and UniPC. As in A1111, a DDIM/PLMS run
 * over {@code n} timesteps makes {@code n - 1} updates and ends at the first timestep (t = 1),
 * and the "previous" alpha of timestep 0 is that of t = 0. UniPC runs A1111's defaults
 * (multistep, variant bh1, data prediction, order 3, time-uniform steps, lower order at the end)
 * for {@code n} steps on the continuous VP schedule interpolated from the discrete one.
 */
enum TimestepAlgorithm {
  DDIM {
    @Override
    double[] sample(NoisePredictor model, double[] x, int[] timesteps, NoiseSchedule schedule, boolean img2img,
        StepTracker steps) {
      for (int i = 0; i < timesteps.length - 1; i++) {
        steps.beforeStep();
        int index = timesteps.length - 1 - i;
        double[] eps = model.predictNoise(x, timesteps[index]);
        x = update(x, eps, alpha(schedule, timesteps, index), alphaPrev(schedule, timesteps, index));
        steps.afterStep();
      }
      return x;
    }
  },
  PLMS {
    @Override
    double[] sample(NoisePredictor model, double[] x, int[] timesteps, NoiseSchedule schedule, boolean img2img,
        StepTracker steps) {
      List<double[]> oldEps = new ArrayList<>();
      for (int i = 0; i < timesteps.length - 1; i++) {
        steps.beforeStep();
        int index = timesteps.length - 1 - i;
        double aT = alpha(schedule, timesteps, index);
        double aPrev = alphaPrev(schedule, timesteps, index);
        double[] eps = model.predictNoise(x, timesteps[index]);
        double[] epsPrime;
        int n = oldEps.size();
        if (n == 0) {
          // pseudo improved Euler
          double[] xPrev = update(x, eps, aT, aPrev);
          double[] epsNext = model.predictNoise(xPrev, timesteps[Math.max(index - 1, 0)]);
          epsPrime = Vec.lin(0.5, eps, 0.5, epsNext);
        } else if (n == 1) {
          epsPrime = Vec.lin(1.5, eps, -0.5, oldEps.get(0));
        } else if (n == 2) {
          epsPrime = combine(new double[] {23, -16, 5}, 12, eps, oldEps);
        } else {
          epsPrime = combine(new double[] {55, -59, 37, -9}, 24, eps, oldEps);
        }
        x = update(x, epsPrime, aT, aPrev);
        oldEps.add(eps);
        if (oldEps.size() >= 4) {
          oldEps.remove(0);
        }
        steps.afterStep();
      }
      return x;
    }
  },
  UNIPC {
    @Override
    double[] sample(NoisePredictor model, double[] x, int[] timesteps, NoiseSchedule schedule, boolean img2img,
        StepTracker steps) {
      int n = timesteps.length;
      if (n == 0) {
        return x;
      }
      // A1111 starts img2img at the last scheduled timestep + 1, in continuous time
      double tStart = img2img ? timesteps[n - 1] / 1000.0 + 1 / 1000.0 : 1.0;
      return new UniPc(model, schedule).sample(x, n, tStart, steps);
    }

    @Override
    int progressSteps(int timestepCount) {
      return timestepCount;
    }
  };

  /**
   * Runs the sampler over the scheduled timesteps (ascending).
   *
   * @param img2img whether {@code x} is a noised init latent rather than pure noise
   */
  abstract double[] sample(NoisePredictor model, double[] x, int[] timesteps, NoiseSchedule schedule, boolean img2img,
      StepTracker steps);

  /** The progress steps a run over this many timesteps reports. */
  int progressSteps(int timestepCount) {
    return Math.max(0, timestepCount - 1);
  }

  /**
   * A1111's {@code CompVisSampler.get_timesteps}: {@code clip(range(0, 1000, 1000 // steps) + 1,
   * 0, 999)}, which has {@code ceil(1000 / (1000 // steps))} entries, not always {@code steps}.
   */
  static int[] timesteps(int steps, int total) {
    int stride = total / steps;
    if (stride < 1) {
      throw new io.chatgen.core.InvalidRequestException(
          "timestep samplers run at most " + total + " steps, asked for " + steps);
    }
    int n = (total + stride - 1) / stride;
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      out[i] = Math.min(Math.max(i * stride + 1, 0), total - 1);
    }
    return out;
  }

  private static double alpha(NoiseSchedule schedule, int[] timesteps, int index) {
    return schedule.alphaCumprod(timesteps[index]);
  }

  private static double alphaPrev(NoiseSchedule schedule, int[] timesteps, int index) {
    // A1111 pads timesteps[:-1] on the left with 0 (the timestep, not the alpha)
    return schedule.alphaCumprod(index == 0 ? 0 : timesteps[index - 1]);
  }

  /** One deterministic DDIM update (eta 0) with the given noise estimate. */
  private static double[] update(double[] x, double[] eps, double aT, double aPrev) {
    double sqrtOneMinusAt = Math.sqrt(1 - aT);
    double sqrtAt = Math.sqrt(aT);
    double sqrtAPrev = Math.sqrt(aPrev);
    double dir = Math.sqrt(1 - aPrev);
    double[] out = new double[x.length];
    for (int k = 0; k < x.length; k++) {
      double predX0 = (x[k] - sqrtOneMinusAt * eps[k]) / sqrtAt;
      out[k] = sqrtAPrev * predX0 + dir * eps[k];
    }
    return out;
  }

  private static double[] combine(double[] coeffs, double div, double[] eps, List<double[]> old) {
    double[] out = Vec.scale(coeffs[0] / div, eps);
    for (int j = 1; j < coeffs.length; j++) {
      out = Vec.plus(out, coeffs[j] / div, old.get(old.size() - j));
    }
    return out;
  }
}
