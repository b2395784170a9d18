package io.chatgen.bench.metrics;

import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * BERTScore F1 (Zhang et al., 2020) over token embeddings from an encoder of the caller's choice:
 * each predicted token is matched to its most similar reference token (cosine) for precision, each
 * reference token to its most similar predicted token for recall, and F1 combines them. No idf
 * weighting and no baseline rescaling, so scores of different encoders are not comparable.
 *
 * <pre>{@code
 * PromptSimilarity bert = new BertScore("bertScore", text -> myEncoder.tokenEmbeddings(text));
 * Evaluation.builder().promptSimilarity(bert)...
 * }</pre>
 *
 * <p>Thread-safe when the encoder is.
 */
public final class BertScore implements PromptSimilarity {
  private final String name;
  private final Function<String, List<float[]>> tokenEmbeddings;

  /**
   * @param name the JSON key for the scores
   * @param tokenEmbeddings one vector per token of a text (all of the same length); an empty list
   *     for a text without tokens
   */
  public BertScore(String name, Function<String, List<float[]>> tokenEmbeddings) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a BertScore needs a name, e.g. \"bertScore\"");
    }
    this.name = name;
    this.tokenEmbeddings = Objects.requireNonNull(tokenEmbeddings, "tokenEmbeddings");
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public double similarity(String predicted, String reference) {
    List<float[]> p = tokenEmbeddings.apply(predicted);
    List<float[]> r = tokenEmbeddings.apply(reference);
    if (p.isEmpty() || r.isEmpty()) {
      return p.isEmpty() && r.isEmpty() ? 1.0 : 0.0;
    }
    double[][] sim = new double[p.size()][r.size()];
    for (int i = 0; i < p.size(); i++) {
      for (int j = 0; j < r.size(); j++) {
        sim[i][j] = cosine(p.get(i), r.get(j));
      }
    }
    double precision = 0;
    for (int i = 0; i < p.size(); i++) {
      double best = -1;
      for (int j = 0; j < r.size(); j++) {
        best = Math.max(best, sim[i][j]);
      }
      precision += best;
    }
    precision /= p.size();
    double recall = 0;
    for (int j = 0; j < r.size(); j++) {
      double best = -1;
      for (int i = 0; i < p.size(); i++) {
        best = Math.max(best, sim[i][j]);
      }
      recall += best;
    }
    recall /= r.size();
    if (precision + recall <= 0) {
      return 0.0;
    }
    return Math.max(0, Math.min(1, 2 * precision * recall / (precision + recall)));
  }

  private static double cosine(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException(
          "token embeddings of different lengths: " + a.length + " and " + b.length);
    }
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int k = 0; k < a.length; k++) {
      dot += (double) a[k] * b[k];
      na += (double) a[k] * a[k];
      nb += (double) b[k] * b[k];
    }
    return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
  }
}
