package io.chatgen.bench.metrics;

import java.util.Arrays;
import java.util.Collection;

/** Percentiles of a sample with linear interpolation between order statistics (NumPy's default). */
public final class Percentiles {
  private Percentiles() {}

  /**
   * The {@code p}-th percentile.
   *
   * @param values the sample, not empty
   * @param p from 0 to 100
   */
  public static double of(Collection<Double> values, double p) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException("the percentile of an empty sample is undefined");
    }
    if (!(p >= 0 && p <= 100)) {
      throw new IllegalArgumentException("percentile must be 0 to 100, was " + p);
    }
    double[] x = values.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(x);
    double pos = p / 100.0 * (x.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(lo + 1, x.length - 1);
    return x[lo] + (pos - lo) * (x[hi] - x[lo]);
  }
}
