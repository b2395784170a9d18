package io.chatgen.modeltoken;

import io.chatgen.core.ModelCard;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which checkpoints a request names: people describe a style with the very word a checkpoint is
 * named after ("ghibli", "pastel", "cyberpunk", "dreamshaper"). Each word of at least {@value
 * #MIN_LETTERS} letters in a checkpoint's name counts, weighted by its inverse document frequency
 * over the names of the vocabulary ({@code ln(N / names using it)}): a word of one name says much,
 * a word of many ("realistic", "anime") little. A request's score for a checkpoint is the sum over
 * its name words that the request uses. On the held-out train chats, 16% name a distinctive word
 * of their checkpoint's name.
 *
 * <p>Immutable and thread-safe.
 */
public final class NameMatch {
  /** Shorter words ("v2", "xl", "mix") are versions and fillers, not names. */
  static final int MIN_LETTERS = 4;
  private static final Pattern SPLIT = Pattern.compile("[^\\p{L}\\p{N}]+");

  private final int size;
  /** name word -> the tokens whose names use it (its idf is ln(size / their number)). */
  private final Map<String, int[]> postings;

  private NameMatch(int size, Map<String, int[]> postings) {
    this.size = size;
    this.postings = postings;
  }

  /** The name words of the cards, in token order (card i is token i). */
  public static NameMatch of(List<ModelCard> cards) {
    Map<String, List<Integer>> users = new HashMap<>();
    for (int i = 0; i < cards.size(); i++) {
      for (String w : words(cards.get(i).name())) {
        users.computeIfAbsent(w, k -> new ArrayList<>()).add(i);
      }
    }
    Map<String, int[]> postings = new HashMap<>();
    users.forEach((w, tokens) -> postings.put(w, tokens.stream().mapToInt(Integer::intValue).toArray()));
    return new NameMatch(cards.size(), Map.copyOf(postings));
  }

  /** The distinct name words of a text: lower-cased runs of letters and digits, at least 4 long. */
  static Set<String> words(String text) {
    Set<String> out = new HashSet<>();
    for (String w : SPLIT.split(text.toLowerCase(Locale.ROOT))) {
      if (w.length() >= MIN_LETTERS) {
        out.add(w);
      }
    }
    return out;
  }

  /** For each token, the summed idf of its name words that {@code text} uses (0 for most). */
  public double[] scores(String text) {
    double[] s = new double[size];
    for (String w : words(text)) {
      int[] p = postings.get(w);
      if (p != null) {
        double v = Math.log((double) size / p.length);
        for (int i : p) {
          s[i] += v;
        }
      }
    }
    return s;
  }

  /** How many tokens this covers. */
  public int size() {
    return size;
  }
}
