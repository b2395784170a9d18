package io.chatgen.core;

/**
 * A candidate model and the selector's probability for it.
 *
 * @param model the candidate
 * @param probability calibrated probability in [0, 1]
 */
public record ScoredModel(ModelCard model, double probability) {
  public ScoredModel {
    Checks.notNull(model, "model");
    Checks.probability(probability, "probability of " + (model == null ? "?" : model.label()));
  }
}
