package io.chatgen.bench.metrics;

import io.chatgen.core.GeneratedImage;
import java.util.List;

/**
 * A score of a whole set of images against a reference distribution the implementation holds:
 * FID in ChatGen's evaluation (lower is better). Bring your own (Inception features and the
 * reference statistics are not shipped) and register it in
 * {@code META-INF/services/io.chatgen.bench.metrics.ImageSetScorer}; one named
 * {@link UnifiedScore#FID} feeds the unified score.
 */
public interface ImageSetScorer {
  /** A short, stable name used as the JSON key. */
  String name();

  /** Scores the images of one split. */
  double score(List<GeneratedImage> images);
}
