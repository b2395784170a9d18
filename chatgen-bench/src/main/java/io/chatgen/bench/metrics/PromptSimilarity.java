package io.chatgen.bench.metrics;

/**
 * How close a predicted prompt is to the reference (target) prompt, from 0 (nothing shared) to 1
 * (the same). The benchmark scores every prompt with {@link WordF1} and {@link TagF1}; plug in
 * another measure (a {@link BertScore} over your own encoder, say) through
 * {@code Evaluation.builder().promptSimilarity(..)} and it is reported next to them under
 * {@code prompt.extra.<name>}.
 *
 * <p>Implementations must be thread-safe or say otherwise.
 */
public interface PromptSimilarity {
  /** A short, stable name used as the JSON key ("wordF1", "bertScore"). */
  String name();

  /**
   * Scores a prediction against a reference.
   *
   * @param predicted the predicted prompt (may be empty)
   * @param reference the target prompt (may be empty)
   * @return a score in [0, 1]
   */
  double similarity(String predicted, String reference);
}
