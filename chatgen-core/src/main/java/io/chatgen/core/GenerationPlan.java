package io.chatgen.core;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Everything decided before rendering: the request, the prompt, the model, the parameters with
 * their reasons, which component made each decision, how long each stage took, and notes for the
 * user. A plan is enough to reproduce an image.
 *
 * @param request the chat it was planned from
 * @param prompt the rewritten prompt
 * @param choice the model choice
 * @param params the configured parameters and their reasons
 * @param provenance per stage, the component that ran it and the version of its artifacts
 * @param timings per stage, the wall time it took
 * @param notes what the stages want the user to know
 */
public record GenerationPlan(
    ChatRequest request,
    RewrittenPrompt prompt,
    ModelChoice choice,
    ConfiguredParams params,
    Map<Stage, String> provenance,
    Map<Stage, Duration> timings,
    List<String> notes) {

  public GenerationPlan {
    Checks.notNull(request, "request");
    Checks.notNull(prompt, "prompt");
    Checks.notNull(choice, "choice");
    Checks.notNull(params, "params");
    provenance = Checks.map(provenance, "provenance");
    timings = Checks.map(timings, "timings");
    notes = Checks.list(notes, "notes");
  }

  /** The chosen model. */
  public ModelCard model() {
    return choice.model();
  }

  /** The configured generation parameters. */
  public GenerationParams generationParams() {
    return params.params();
  }

  /** A copy with other parameters (e.g. the user's overrides), everything else kept. */
  public GenerationPlan withParams(ConfiguredParams newParams) {
    return new GenerationPlan(request, prompt, choice, newParams, provenance, timings, notes);
  }
}
