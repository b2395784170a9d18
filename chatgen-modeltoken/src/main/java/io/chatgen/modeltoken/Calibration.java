package io.chatgen.modeltoken;

import io.chatgen.core.InvalidRequestException;

/**
 * How the selector turns scores into probabilities, fitted on a held-out part of the training
 * data (never on evaluation chats) and saved with the vocabulary. The blend is a product of
 * experts: {@code p(m) ∝ exp(logit_m / temperature) * (share_m + floor)^neighbourWeight *
 * (demos_m + 1)^priorWeight * exp(nameWeight * name_m)}, where {@code share_m} is model m's share of the vote of the nearest
 * remembered prompts (each weighing its cosine similarity to the power {@code similarityPower}) and
 * {@code demos_m} its number of remembered prompts (requests come one per demonstration, so popular
 * models are asked for more often), and {@code name_m} how strongly the request uses words of
 * model m's name ({@link NameMatch}). Unlike a mixture, it lets the neighbours reorder the tokens' whole ranking and the
 * tokens break ties among the neighbours.
 *
 * @param temperature divides the ModelToken logits, > 0
 * @param neighbourWeight the exponent of the neighbour vote, >= 0 (0 ignores the memory)
 * @param neighbours how many nearest train prompts vote, >= 1
 * @param floor added to every vote share so that unvoted models keep a chance, > 0
 * @param similarityPower the exponent of each neighbour's similarity in the vote, > 0 (1: plain
 *     similarity-weighted vote; higher lets the closest prompts dominate)
 * @param priorWeight the exponent of the popularity prior {@code demos_m + 1}, >= 0 (0: none)
 * @param nameWeight the weight of the name match, >= 0 (0: names are not read)
 */
public record Calibration(double temperature, double neighbourWeight, int neighbours, double floor,
    double similarityPower, double priorWeight, double nameWeight) {
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
    if (!(similarityPower > 0) || Double.isInfinite(similarityPower)) {
      throw new InvalidRequestException("similarityPower must be > 0 and finite, was " + similarityPower);
    }
    if (!(priorWeight >= 0) || Double.isInfinite(priorWeight)) {
      throw new InvalidRequestException("priorWeight must be >= 0 and finite, was " + priorWeight);
    }
    if (!(nameWeight >= 0) || Double.isInfinite(nameWeight)) {
      throw new InvalidRequestException("nameWeight must be >= 0 and finite, was " + nameWeight);
    }
  }

  /** A calibration that does not read model names (name weight 0). */
  public Calibration(double temperature, double neighbourWeight, int neighbours, double floor,
      double similarityPower, double priorWeight) {
    this(temperature, neighbourWeight, neighbours, floor, similarityPower, priorWeight, 0.0);
  }

  /** This calibration with another name weight. */
  public Calibration withNameWeight(double weight) {
    return new Calibration(temperature, neighbourWeight, neighbours, floor, similarityPower, priorWeight, weight);
  }

  /** A calibration with the plain similarity-weighted vote (power 1) and no popularity prior. */
  public Calibration(double temperature, double neighbourWeight, int neighbours, double floor) {
    this(temperature, neighbourWeight, neighbours, floor, 1.0, 0.0, 0.0);
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
    return blend(logits, shares, new double[logits.length], eligible);
  }

  /**
   * Blends token logits, vote shares and the popularity prior into probabilities over the
   * eligible tokens (zero elsewhere).
   *
   * @param logits the token scores
   * @param shares each token's share of the neighbour vote (summing to 1, or all zero)
   * @param logPrior each token's {@code ln(demos + 1)}, weighted by {@link #priorWeight()}
   * @param eligible which tokens may be chosen; at least one
   */
  public double[] blend(float[] logits, double[] shares, double[] logPrior, boolean[] eligible) {
    return blend(logits, shares, logPrior, new double[logits.length], eligible);
  }

  /**
   * Blends token logits, vote shares, the popularity prior and the name match into probabilities
   * over the eligible tokens (zero elsewhere).
   *
   * @param logits the token scores
   * @param shares each token's share of the neighbour vote (summing to 1, or all zero)
   * @param logPrior each token's {@code ln(demos + 1)}, weighted by {@link #priorWeight()}
   * @param names each token's name match ({@link NameMatch#scores}), weighted by {@link #nameWeight()}
   * @param eligible which tokens may be chosen; at least one
   */
  public double[] blend(float[] logits, double[] shares, double[] logPrior, double[] names, boolean[] eligible) {
    int m = logits.length;
    if (shares.length != m || logPrior.length != m || names.length != m || eligible.length != m) {
      throw new InvalidRequestException("blend needs arrays of one length: " + m + " logits, " + shares.length
          + " shares, " + logPrior.length + " priors, " + names.length + " name scores, " + eligible.length
          + " flags");
    }
    double[] z = new double[m];
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < m; i++) {
      if (eligible[i]) {
        z[i] = logits[i] / temperature + neighbourWeight * Math.log(shares[i] + floor)
            + (priorWeight == 0 ? 0 : priorWeight * logPrior[i]) + (nameWeight == 0 ? 0 : nameWeight * names[i]);
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
