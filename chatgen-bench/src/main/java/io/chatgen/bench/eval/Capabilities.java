package io.chatgen.bench.eval;

/**
 * Which outputs a system (the pipeline or a baseline) produces. A metric of an output the
 * system does not produce is reported as null, never as zero.
 *
 * @param prompt a rewritten prompt
 * @param negativePrompt a negative prompt
 * @param selection a ranking of models
 * @param params parameters for its own chosen model
 * @param goldModelParams parameters with the demonstration's model forced
 * @param planLatency a wall time for a whole plan
 */
public record Capabilities(
    boolean prompt,
    boolean negativePrompt,
    boolean selection,
    boolean params,
    boolean goldModelParams,
    boolean planLatency) {

  /** Produces nothing. */
  public static final Capabilities NONE = new Capabilities(false, false, false, false, false, false);

  public Capabilities withPrompt() {
    return new Capabilities(true, negativePrompt, selection, params, goldModelParams, planLatency);
  }

  public Capabilities withNegativePrompt() {
    return new Capabilities(prompt, true, selection, params, goldModelParams, planLatency);
  }

  public Capabilities withSelection() {
    return new Capabilities(prompt, negativePrompt, true, params, goldModelParams, planLatency);
  }

  public Capabilities withParams() {
    return new Capabilities(prompt, negativePrompt, selection, true, goldModelParams, planLatency);
  }

  public Capabilities withGoldModelParams() {
    return new Capabilities(prompt, negativePrompt, selection, params, true, planLatency);
  }

  public Capabilities withPlanLatency() {
    return new Capabilities(prompt, negativePrompt, selection, params, goldModelParams, true);
  }
}
