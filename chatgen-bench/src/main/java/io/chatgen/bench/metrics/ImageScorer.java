package io.chatgen.bench.metrics;

import io.chatgen.core.GeneratedImage;

/**
 * A per-image quality score: CLIP score, HPS v2 and ImageReward in ChatGen's evaluation. The
 * project ships no scoring model: bring your own (e.g. a CLIP on DJL) and register it in
 * {@code META-INF/services/io.chatgen.bench.metrics.ImageScorer} or pass it to
 * {@code Evaluation.builder().imageScorer(..)}. A scorer whose {@link #name()} is
 * {@link UnifiedScore#CLIP}, {@link UnifiedScore#HPS_V2} or {@link UnifiedScore#IMAGE_REWARD}
 * feeds the unified score.
 *
 * <p>Implementations that hold native resources should also be {@link AutoCloseable}.
 */
public interface ImageScorer {
  /** A short, stable name used as the JSON key. */
  String name();

  /**
   * Scores one rendered image against the text it should show.
   *
   * @param image the rendered image
   * @param prompt the reference text (the demonstration's target prompt)
   * @return the score, on the scale the metric is usually reported on (CLIP score x100, HPS v2
   *     in [0, 1], ImageReward around 0)
   */
  double score(GeneratedImage image, String prompt);
}
