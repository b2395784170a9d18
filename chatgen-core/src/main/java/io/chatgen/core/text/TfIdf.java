package io.chatgen.core.text;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * A TF-IDF vectorizer over {@link Words} (and optionally word bigrams), with sublinear term
 * frequency and smoothed idf as in scikit-learn, producing L2-normalised sparse vectors. Fitted
 * once, then immutable and thread-safe.
 */
public final class TfIdf {
  private final Map<String, Integer> vocabulary;
  private final float[] idf;
  private final boolean bigrams;

  private TfIdf(Map<String, Integer> vocabulary, float[] idf, boolean bigrams) {
    this.vocabulary = vocabulary;
    this.idf = idf;
    this.bigrams = bigrams;
  }

  /** Fits on documents, keeping terms seen in at least {@code minDf} of them. */
  public static TfIdf fit(Collection<String> documents, int minDf, boolean bigrams) {
    return fit(documents, minDf, bigrams, Function.identity());
  }

  /** Fits on any records, reading the text of each with {@code text}. */
  public static <T> TfIdf fit(Collection<T> documents, int minDf, boolean bigrams, Function<T, String> text) {
    Map<String, Integer> df = new HashMap<>();
    for (T d : documents) {
      for (String t : new java.util.HashSet<>(terms(text.apply(d), bigrams))) {
        df.merge(t, 1, Integer::sum);
      }
    }
    Map<String, Integer> vocab = new HashMap<>();
    List<Float> idfs = new ArrayList<>();
    int n = documents.size();
    for (Map.Entry<String, Integer> e : new TreeMap<>(df).entrySet()) {
      if (e.getValue() >= minDf) {
        vocab.put(e.getKey(), vocab.size());
        idfs.add((float) (Math.log((1.0 + n) / (1.0 + e.getValue())) + 1.0));
      }
    }
    float[] idf = new float[idfs.size()];
    for (int i = 0; i < idf.length; i++) {
      idf[i] = idfs.get(i);
    }
    return new TfIdf(vocab, idf, bigrams);
  }

  /** The L2-normalised TF-IDF vector of a text; empty when it has no known term. */
  public SparseVector transform(String text) {
    TreeMap<Integer, Integer> counts = new TreeMap<>();
    for (String t : terms(text, bigrams)) {
      Integer idx = vocabulary.get(t);
      if (idx != null) {
        counts.merge(idx, 1, Integer::sum);
      }
    }
    return SparseVector.sublinearTfIdf(counts, i -> i, idf);
  }

  /** The number of features. */
  public int dimension() {
    return idf.length;
  }

  private static List<String> terms(String text, boolean bigrams) {
    List<String> words = Words.of(text);
    if (!bigrams) {
      return words;
    }
    List<String> out = new ArrayList<>(words);
    for (int i = 0; i + 1 < words.size(); i++) {
      out.add(words.get(i) + ' ' + words.get(i + 1));
    }
    return out;
  }
}
