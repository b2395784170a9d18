package io.chatgen.diffusion.sampling;

import java.util.ArrayList;
import java.util.List;

/**
 * UniPC (Zhao et al. 2023) as A1111 runs it by default: multistep predictor-corrector with the
 * B(h) = h variant ("bh1"), data prediction, order 3 with lower orders for the first and the last
 * steps, time-uniform steps from {@code tStart} to 1/1000 on the continuous-time VP schedule whose
 * log alpha is interpolated linearly from the discrete {@code 0.5 log(alphas_cumprod)} at
 * t = (i + 1) / 1000; the model is asked for its noise at timestep {@code 1000 (t - 1/1000)}.
 * The corrector's model evaluation is reused as the next step's history; the last step has no
 * corrector. One instance per run; not thread-safe.
 */
final class UniPc {
  private static final int ORDER = 3;

  private final NoisePredictor model;
  private final double[] tArray;
  private final double[] logAlphaArray;
  private final int total;

  UniPc(NoisePredictor model, NoiseSchedule schedule) {
    this.model = model;
    this.total = schedule.timesteps();
    this.tArray = new double[total];
    this.logAlphaArray = new double[total];
    for (int i = 0; i < total; i++) {
      tArray[i] = (i + 1) / (double) total;
      logAlphaArray[i] = 0.5 * Math.log(schedule.alphaCumprod(i));
    }
  }

  double[] sample(double[] x, int steps, double tStart, StepTracker tracker) {
    int order = Math.min(ORDER, steps); // A1111 asserts steps >= order; short img2img runs use a lower order
    double t0 = 1.0 / total;
    double[] ts = NoiseSchedule.linspace(tStart, t0, steps + 1);
    List<double[]> models = new ArrayList<>();
    List<Double> times = new ArrayList<>();
    models.add(dataPrediction(x, ts[0]));
    times.add(ts[0]);
    for (int initOrder = 1; initOrder < order; initOrder++) {
      tracker.beforeStep();
      Update u = update(x, models, times, ts[initOrder], initOrder, true);
      x = u.x;
      models.add(u.model);
      times.add(ts[initOrder]);
      tracker.afterStep();
    }
    for (int step = order; step <= steps; step++) {
      tracker.beforeStep();
      int stepOrder = Math.min(order, steps + 1 - step);
      boolean corrector = step != steps;
      Update u = update(x, models, times, ts[step], stepOrder, corrector);
      x = u.x;
      for (int i = 0; i < order - 1; i++) {
        times.set(i, times.get(i + 1));
        models.set(i, models.get(i + 1));
      }
      times.set(order - 1, ts[step]);
      if (step < steps) {
        models.set(order - 1, u.model != null ? u.model : dataPrediction(x, ts[step]));
      }
      tracker.afterStep();
    }
    return x;
  }

  private record Update(double[] x, double[] model) {}

  /** {@code multistep_uni_pc_bh_update} with data prediction and B(h) = h. */
  private Update update(double[] x, List<double[]> models, List<Double> times, double t, int order, boolean useCorrector) {
    int last = models.size() - 1;
    double tPrev0 = times.get(last);
    double lambdaPrev0 = lambda(tPrev0);
    double lambdaT = lambda(t);
    double[] modelPrev0 = models.get(last);
    double sigmaPrev0 = std(tPrev0);
    double sigmaT = std(t);
    double alphaT = Math.exp(logAlpha(t));
    double h = lambdaT - lambdaPrev0;

    double[] rks = new double[order];
    List<double[]> d1s = new ArrayList<>();
    for (int i = 1; i < order; i++) {
      double rk = (lambda(times.get(last - i)) - lambdaPrev0) / h;
      rks[i - 1] = rk;
      d1s.add(Vec.scale(1 / rk, Vec.lin(1, models.get(last - i), -1, modelPrev0)));
    }
    rks[order - 1] = 1.0;

    double hh = -h;
    double hPhi1 = Math.expm1(hh);
    double hPhiK = hPhi1 / hh - 1;
    double factorial = 1;
    double bH = hh;
    double[][] r = new double[order][order];
    double[] b = new double[order];
    for (int i = 1; i <= order; i++) {
      for (int k = 0; k < order; k++) {
        r[i - 1][k] = Math.pow(rks[k], i - 1);
      }
      b[i - 1] = hPhiK * factorial / bH;
      factorial *= i + 1;
      hPhiK = hPhiK / hh - 1 / factorial;
    }

    double[] xBase = Vec.lin(sigmaT / sigmaPrev0, x, -alphaT * hPhi1, modelPrev0);
    double[] xt = xBase;
    if (!d1s.isEmpty()) {
      double[] rhosP = order == 2 ? new double[] {0.5} : solve(r, b, order - 1);
      xt = Vec.plus(xBase, -alphaT * bH, combine(rhosP, d1s));
    }
    double[] modelT = null;
    if (useCorrector) {
      double[] rhosC = order == 1 ? new double[] {0.5} : solve(r, b, order);
      modelT = dataPrediction(xt, t);
      double[] d1t = Vec.lin(1, modelT, -1, modelPrev0);
      double[] corr = Vec.scale(rhosC[order - 1], d1t);
      if (!d1s.isEmpty()) {
        corr = Vec.plus(corr, 1, combine(rhosC, d1s));
      }
      xt = Vec.plus(xBase, -alphaT * bH, corr);
    }
    return new Update(xt, modelT);
  }

  private static double[] combine(double[] rhos, List<double[]> d1s) {
    double[] out = new double[d1s.get(0).length];
    for (int k = 0; k < d1s.size(); k++) {
      out = Vec.plus(out, rhos[k], d1s.get(k));
    }
    return out;
  }

  /** Solves the leading n x n system of {@code a x = b} by Gaussian elimination with partial pivoting. */
  static double[] solve(double[][] a, double[] b, int n) {
    double[][] m = new double[n][n + 1];
    for (int i = 0; i < n; i++) {
      System.arraycopy(a[i], 0, m[i], 0, n);
      m[i][n] = b[i];
    }
    for (int c = 0; c < n; c++) {
      int p = c;
      for (int i = c + 1; i < n; i++) {
        if (Math.abs(m[i][c]) > Math.abs(m[p][c])) {
          p = i;
        }
      }
      double[] tmp = m[c];
      m[c] = m[p];
      m[p] = tmp;
      for (int i = c + 1; i < n; i++) {
        double f = m[i][c] / m[c][c];
        for (int k = c; k <= n; k++) {
          m[i][k] -= f * m[c][k];
        }
      }
    }
    double[] x = new double[n];
    for (int i = n - 1; i >= 0; i--) {
      double s = m[i][n];
      for (int k = i + 1; k < n; k++) {
        s -= m[i][k] * x[k];
      }
      x[i] = s / m[i][i];
    }
    return x;
  }

  /** x0 = (x - sigma_t eps) / alpha_t, eps asked at the discrete timestep 1000 (t - 1/N). */
  private double[] dataPrediction(double[] x, double t) {
    double[] eps = model.predictNoise(x, (t - 1.0 / total) * 1000.0);
    double alpha = Math.exp(logAlpha(t));
    double sigma = std(t);
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = (x[i] - sigma * eps[i]) / alpha;
    }
    return out;
  }

  /** log alpha(t), piecewise linear through the keypoints, extrapolated by the end segments. */
  double logAlpha(double t) {
    int k;
    if (t <= tArray[0]) {
      k = 0;
    } else if (t >= tArray[total - 1]) {
      k = total - 2;
    } else {
      k = Math.min((int) Math.floor(t * total) - 1, total - 2);
      k = Math.max(k, 0);
      while (k < total - 2 && t > tArray[k + 1]) {
        k++;
      }
      while (k > 0 && t < tArray[k]) {
        k--;
      }
    }
    return logAlphaArray[k] + (t - tArray[k]) * (logAlphaArray[k + 1] - logAlphaArray[k]) / (tArray[k + 1] - tArray[k]);
  }

  private double std(double t) {
    return Math.sqrt(1 - Math.exp(2 * logAlpha(t)));
  }

  private double lambda(double t) {
    double la = logAlpha(t);
    return la - 0.5 * Math.log(1 - Math.exp(2 * la));
  }
}
