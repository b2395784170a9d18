package io.chatgen.core.text;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The k-nearest-neighbour vote that the data's README names as a selection baseline: the
 * {@code k} indexed documents nearest to a query (positive dot product only) vote for their
 * label (a model id) with their similarity, and labels are ranked by their summed votes. One
 * implementation for every runner that reports the baseline or uses it as a stand-in selector.
 * Immutable and thread-safe.
 */
public final class KnnVote {
  private final SparseIndex index;
  private final long[] labels;

  private KnnVote(SparseIndex index, long[] labels) {
    this.index = index;
    this.labels = labels;
  }

  /**
   * Indexes documents with their labels; document i is {@code vectors.get(i)} labelled {@code labels[i]}.
   *
   * @throws IllegalArgumentException when the counts differ
   */
  public static KnnVote of(List<SparseVector> vectors, long[] labels) {
    if (vectors.size() != labels.length) {
      throw new IllegalArgumentException(vectors.size() + " vectors but " + labels.length + " labels");
    }
    return new KnnVote(SparseIndex.of(vectors), labels.clone());
  }

  /** The number of indexed documents. */
  public int size() {
    return labels.length;
  }

  /**
   * Labels by their summed similarity over the {@code k} nearest documents, best first (ties: the
   * label whose first neighbour is nearer). Empty when no document shares a feature with the query.
   */
  public Map<Long, Double> vote(SparseVector query, int k) {
    return vote(query, k, -1);
  }

  /**
   * The same vote without document {@code skip} (leave-one-out: a document must not vote for
   * itself); a negative {@code skip} leaves none out.
   */
  public Map<Long, Double> vote(SparseVector query, int k, int skip) {
    SparseIndex.Hits hits = skip < 0 ? index.nearest(query, k) : index.nearest(query, k, d -> d != skip);
    Map<Long, Double> sums = new LinkedHashMap<>();
    for (int i = 0; i < hits.size(); i++) {
      sums.merge(labels[hits.docs()[i]], hits.scores()[i], Double::sum);
    }
    List<Map.Entry<Long, Double>> ranked = new ArrayList<>(sums.entrySet());
    // stable: equal sums keep the order in which their labels first appeared among the neighbours
    ranked.sort((a, b) -> Double.compare(b.getValue(), a.getValue()));
    Map<Long, Double> out = new LinkedHashMap<>();
    ranked.forEach(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }

  /** The labels of {@link #vote}, best first, at most {@code limit}. */
  public List<Long> ranked(SparseVector query, int k, int limit) {
    return vote(query, k).keySet().stream().limit(limit).toList();
  }
}
