package io.chatgen.bench.metrics;

import java.util.List;

/** Top-k selection accuracy: whether the gold model is among the first k of a ranking. */
public final class TopK {
  private TopK() {}

  /**
   * Whether {@code gold} is among the first {@code k} ids of {@code ranked} (best first). A
   * ranking shorter than k is read as it is: the gold model must be in it.
   */
  public static boolean hit(List<Long> ranked, long gold, int k) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be at least 1, was " + k);
    }
    int n = Math.min(k, ranked.size());
    for (int i = 0; i < n; i++) {
      if (ranked.get(i) == gold) {
        return true;
      }
    }
    return false;
  }
}
