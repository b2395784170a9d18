package io.chatgen.bench.eval;

import io.chatgen.core.GenerationParams;
import io.chatgen.core.Stage;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What a system predicted for one request; a field is null where the system does not produce
 * it (an absent stage) or where it failed on this request ({@link #error()} says why).
 *
 * @param imageId the demonstration the request asks for
 * @param prompt the rewritten prompt
 * @param negativePrompt the negative prompt
 * @param topModelIds the ranked model ids, best first (the first is the choice)
 * @param params the parameters configured for the chosen model
 * @param goldModelParams the parameters configured with the demonstration's model forced
 * @param planMs the wall time of the whole plan in milliseconds
 * @param stageMs the wall time of each stage that ran, in milliseconds
 * @param error why the system failed on this request, or null
 */
public record Prediction(
    long imageId,
    @Nullable String prompt,
    @Nullable String negativePrompt,
    @Nullable List<Long> topModelIds,
    @Nullable GenerationParams params,
    @Nullable GenerationParams goldModelParams,
    @Nullable Double planMs,
    Map<Stage, Double> stageMs,
    @Nullable String error) {

  public Prediction {
    topModelIds = topModelIds == null ? null : List.copyOf(topModelIds);
    stageMs = Map.copyOf(stageMs);
  }

  /** The chosen model id, or null when there is no ranking. */
  public @Nullable Long modelId() {
    return topModelIds == null || topModelIds.isEmpty() ? null : topModelIds.get(0);
  }

  /** A prediction with nothing but an error. */
  public static Prediction failed(long imageId, String error) {
    return new Prediction(imageId, null, null, null, null, null, null, Map.of(), error);
  }
}
