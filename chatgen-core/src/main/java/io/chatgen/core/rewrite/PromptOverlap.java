package io.chatgen.core.rewrite;

import io.chatgen.core.prompt.PromptParser;
import io.chatgen.core.text.Words;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How much of a target prompt a written prompt recovers, the two ways the benchmark counts it.
 *
 * <ul>
 *   <li>{@link #words}: bag-of-words precision, recall and F1 over {@link Words#of} of the text the
 *       model reads ({@link io.chatgen.core.prompt.ParsedPrompt#plainText}: attention weights such
 *       as the "1.2" of "(red:1.2)" and extra-network tags such as "&lt;lora:x:0.8&gt;" are syntax,
 *       not words); a word written twice counts twice, matched at most as often as the other side
 *       has it.
 *   <li>{@link #tags}: set precision, recall and F1 over {@link PromptTags#normalizedTags} (the
 *       parser's comma-separated tags, lower-cased, weights stripped).
 * </ul>
 *
 * <p>Both sides empty scores 1 (nothing asked, nothing written); one side empty scores 0.
 * Stateless and thread-safe; chatgen-bench reuses it.
 */
public final class PromptOverlap {
  private PromptOverlap() {}

  /**
   * Precision, recall and F1 of one comparison.
   *
   * @param precision matched / written
   * @param recall matched / target
   * @param f1 their harmonic mean (0 when both are 0)
   */
  public record Score(double precision, double recall, double f1) {
    static Score of(int matched, int written, int target) {
      if (written == 0 && target == 0) {
        return new Score(1, 1, 1);
      }
      double p = written == 0 ? 0 : (double) matched / written;
      double r = target == 0 ? 0 : (double) matched / target;
      return new Score(p, r, p + r == 0 ? 0 : 2 * p * r / (p + r));
    }
  }

  /** Bag-of-words overlap of {@code written} against {@code target}. */
  public static Score words(String written, String target) {
    List<String> w = words(written);
    List<String> t = words(target);
    Map<String, Integer> counts = new HashMap<>();
    for (String s : t) {
      counts.merge(s, 1, Integer::sum);
    }
    int matched = 0;
    for (String s : w) {
      Integer c = counts.get(s);
      if (c != null && c > 0) {
        matched++;
        counts.put(s, c - 1);
      }
    }
    return Score.of(matched, w.size(), t.size());
  }

  /** The words a prompt is scored by: {@link Words} of its parsed plain text. */
  public static List<String> words(String prompt) {
    return Words.of(PromptParser.parse(prompt).plainText());
  }

  /** Set overlap of the normalized tags of {@code written} against those of {@code target}. */
  public static Score tags(String written, String target) {
    Set<String> w = PromptTags.tagSet(written);
    Set<String> t = PromptTags.tagSet(target);
    int matched = 0;
    for (String s : w) {
      if (t.contains(s)) {
        matched++;
      }
    }
    return Score.of(matched, w.size(), t.size());
  }
}
