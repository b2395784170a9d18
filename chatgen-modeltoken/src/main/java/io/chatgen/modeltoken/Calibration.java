package io.chatgen.modeltoken;

import io.chatgen.core.InvalidRequestException;

/**
 * How the selector turns scores into probabilities, fitted on a held-out part of the training
 * data (never on evaluation chats) and saved with the vocabulary. The blend is a product of
 * experts: {@code p(m) ∝ exp(logit_m / temperature) * (share_m + floor)^neighbourWeight}, where
 * {@code share_m} is model m's share of the similarity-weighted vote of the nearest remembered
 * prompts. Unlike a mixture, it lets the neighbours reorder the tokens' whole ranking and the
 * tokens break ties among the neighbours.
 *
 * @param temperature divides the ModelToken logits, > 0
 * @param neighbourWeight the exponent of the neighbour vote, >= 0 (0 ignores the memory)
 * @param neighbours how many nearest train prompts vote, >= 1
 * @param floor added to every vote share so that unvoted models keep a chance, > 0
 */
public record Calibration(double temperature, double neighbourWeight, int neighbours, double floor) {
  public Calibration {
    if (!(temperature > 0) || Double.isInfinite(temperature)) {
      throw new InvalidRequestException("temperature must be > 0 and finite, was " + temperature);
    }
    if (!(neighbourWeight >= 0) || Double.isInfinite(neighbourWeight)) {
      throw new InvalidRequestException("neighbourWeight must be >= 0 and finite, was " + neighbourWeight);
    }
    if (neighbours < 1) {
      throw new InvalidRequestException("neighbours must be >= 1, was " + neighbours);
    }
    if (!(floor > 0 && floor <= 1)) {
      throw new InvalidRequestException("floor must be in (0, 1], was " + floor);
    }
  }

  /** Uncalibrated: temperature 1, vote exponent 1, 10 neighbours, floor 0.01. */
  public static Calibration defaults() {
    return new Calibration(1.0, 1.0, 10, 0.01);
  }

  /**
   * Blends token logits and vote shares into probabilities over the eligible tokens (zero
   * elsewhere).
   *
   * @param logits the token scores
   * @param shares each token's share of the neighbour vote (summing to 1, or all zero)
   * @param eligible which tokens may be chosen; at least one
   */
  public double[] blend(float[] logits, double[] shares, boolean[] eligible) {
    int m = logits.length;
    double[] z = new double[m];
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < m; i++) {
      if (eligible[i]) {
        z[i] = logits[i] / temperature + neighbourWeight * Math.log(shares[i] + floor);
        max = Math.max(max, z[i]);
      }
    }
    double sum = 0;
    for (int i = 0; i < m; i++) {
      z[i] = eligible[i] ? Math.exp(z[i] - max) : 0;
      sum += z[i];
    }
    for (int i = 0; i < m; i++) {
      z[i] /= sum;
    }
    return z;
  }
}
