package io.chatgen.bench.metrics;

import org.jspecify.annotations.Nullable;

/**
 * ChatGen's unified image score, combining four image metrics into one number:
 *
 * <pre>
 *   Unified = (CLIP + 10 * HPSv2 + ImageReward - FID - 50) / 4
 * </pre>
 *
 * <p>The formula is <em>reconstructed</em> from the numbers in the ChatGen paper's result table
 * (arXiv 2411.17176), not quoted from its text, with CLIP as cosine x100, HPS v2 from 0 to 1,
 * ImageReward as reported and FID as computed against the reference set. Treat it as the
 * project's reading of the paper, not as the authors' definition.
 */
public final class UnifiedScore {
  /** Scorer name of the CLIP score (cosine x100). */
  public static final String CLIP = "clip";
  /** Scorer name of HPS v2. */
  public static final String HPS_V2 = "hpsv2";
  /** Scorer name of ImageReward. */
  public static final String IMAGE_REWARD = "imageReward";
  /** Set-scorer name of FID. */
  public static final String FID = "fid";

  private UnifiedScore() {}

  /** The unified score, or null when any of the four inputs is missing. */
  public static @Nullable Double of(
      @Nullable Double clip, @Nullable Double hpsV2, @Nullable Double imageReward, @Nullable Double fid) {
    if (clip == null || hpsV2 == null || imageReward == null || fid == null) {
      return null;
    }
    return (clip + 10 * hpsV2 + imageReward - fid - 50) / 4;
  }
}
