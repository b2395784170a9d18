package io.chatgen.bench.metrics;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/** F1 of two bags (multisets) of items: SQuAD's token F1, shared by the word and tag metrics. */
final class Overlap {
  private Overlap() {}

  /**
   * The F1 of the multiset overlap. Two empty bags agree perfectly (1); one empty bag against a
   * non-empty one shares nothing (0).
   */
  static double f1(Collection<String> predicted, Collection<String> reference) {
    if (predicted.isEmpty() || reference.isEmpty()) {
      return predicted.isEmpty() && reference.isEmpty() ? 1.0 : 0.0;
    }
    Map<String, Integer> ref = new HashMap<>();
    for (String r : reference) {
      ref.merge(r, 1, Integer::sum);
    }
    int common = 0;
    for (String p : predicted) {
      Integer left = ref.get(p);
      if (left != null && left > 0) {
        common++;
        ref.put(p, left - 1);
      }
    }
    if (common == 0) {
      return 0.0;
    }
    double precision = (double) common / predicted.size();
    double recall = (double) common / reference.size();
    return 2 * precision * recall / (precision + recall);
  }
}
