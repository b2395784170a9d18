package io.chatgen.core;

import java.util.List;

/**
 * The selector's answer: the chosen model first, then the runners-up, best first.
 *
 * @param ranked candidates, best first, at least one; the first is the choice
 * @param notes what the selector wants the user to know (e.g. "restricted to installed models")
 */
public record ModelChoice(List<ScoredModel> ranked, List<String> notes) {
  public ModelChoice {
    ranked = Checks.list(ranked, "ranked");
    if (ranked.isEmpty()) {
      throw new InvalidRequestException("a model choice needs at least one candidate");
    }
    notes = Checks.list(notes, "notes");
  }

  /** A choice of exactly one model with probability 1 (e.g. the user forced it). */
  public static ModelChoice forced(ModelCard model) {
    return new ModelChoice(List.of(new ScoredModel(model, 1.0)), List.of("model chosen by the caller"));
  }

  /** The chosen model. */
  public ModelCard model() {
    return ranked.get(0).model();
  }

  /** The chosen model's probability. */
  public double probability() {
    return ranked.get(0).probability();
  }

  /** The runners-up, best first. */
  public List<ScoredModel> alternatives() {
    return ranked.subList(1, ranked.size());
  }
}
