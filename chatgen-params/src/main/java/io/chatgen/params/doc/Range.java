package io.chatgen.params.doc;

import io.chatgen.core.InvalidRequestException;

/**
 * A closed numeric range an author recommends ("Steps 25-30" is {@code [25, 30]}; "CFG 7" is
 * {@code [7, 7]}).
 *
 * @param low the lower end, finite
 * @param high the upper end, finite, at least {@code low}
 */
public record Range(double low, double high) {
  public Range {
    if (!Double.isFinite(low) || !Double.isFinite(high) || high < low) {
      throw new InvalidRequestException("a range needs finite ends with low <= high, got " + low + ".." + high);
    }
  }

  /** A single value. */
  public static Range of(double value) {
    return new Range(value, value);
  }

  /** Whether {@code v} lies in the range. */
  public boolean contains(double v) {
    return v >= low && v <= high;
  }

  /** The middle of the range. */
  public double mid() {
    return (low + high) / 2;
  }

  @Override
  public String toString() {
    return low == high ? fmt(low) : fmt(low) + "-" + fmt(high);
  }

  private static String fmt(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }
}
