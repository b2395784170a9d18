package io.chatgen.bench.eval;

import io.chatgen.core.data.Demonstration;
import io.chatgen.core.text.KnnVote;
import io.chatgen.core.text.SparseVector;
import io.chatgen.core.text.TfIdf;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * TF-IDF vectors of the train prompts and one centroid per model, shared by the selection
 * baselines. The vectorizer is fitted on the train prompts only (unigrams, terms in at least 2
 * prompts). Immutable and thread-safe.
 */
final class TrainIndex {
  static final int MIN_DF = 2;

  final TfIdf tfidf;
  private final KnnVote neighbours;
  private final Map<Long, SparseVector> centroids;

  private TrainIndex(TfIdf tfidf, KnnVote neighbours, Map<Long, SparseVector> centroids) {
    this.tfidf = tfidf;
    this.neighbours = neighbours;
    this.centroids = centroids;
  }

  /** Indexes the train demonstrations whose model hash matches (the others have unreliable labels). */
  static TrainIndex fit(List<Demonstration> train) {
    List<Demonstration> usable = train.stream().filter(Demonstration::modelHashMatches).toList();
    if (usable.isEmpty()) {
      throw new IllegalArgumentException("no train demonstration has a matching model hash to learn selection from");
    }
    TfIdf tfidf = TfIdf.fit(usable, MIN_DF, false, Demonstration::prompt);
    SparseVector[] vectors = new SparseVector[usable.size()];
    long[] ids = new long[usable.size()];
    Map<Long, Map<Integer, Double>> sums = new LinkedHashMap<>();
    for (int i = 0; i < vectors.length; i++) {
      Demonstration d = usable.get(i);
      vectors[i] = tfidf.transform(d.prompt());
      ids[i] = d.modelId();
      Map<Integer, Double> sum = sums.computeIfAbsent(d.modelId(), k -> new HashMap<>());
      int[] ind = vectors[i].indices();
      float[] val = vectors[i].values();
      for (int k = 0; k < ind.length; k++) {
        sum.merge(ind[k], (double) val[k], Double::sum);
      }
    }
    Map<Long, SparseVector> centroids = new LinkedHashMap<>();
    sums.forEach((id, sum) -> centroids.put(id, normalised(sum)));
    return new TrainIndex(tfidf, KnnVote.of(java.util.Arrays.asList(vectors), ids), centroids);
  }

  private static SparseVector normalised(Map<Integer, Double> sum) {
    TreeMap<Integer, Double> sorted = new TreeMap<>(sum);
    double norm = 0;
    for (double v : sorted.values()) {
      norm += v * v;
    }
    norm = Math.sqrt(norm);
    int[] ind = new int[sorted.size()];
    float[] val = new float[sorted.size()];
    int k = 0;
    for (Map.Entry<Integer, Double> e : sorted.entrySet()) {
      ind[k] = e.getKey();
      val[k] = norm == 0 ? 0f : (float) (e.getValue() / norm);
      k++;
    }
    return new SparseVector(ind, val);
  }

  /** Model ids by cosine to their centroid, best first (ties by train order). */
  List<Long> byCentroid(SparseVector query, int limit) {
    List<Map.Entry<Long, Double>> scored = new ArrayList<>();
    centroids.forEach((id, c) -> scored.add(Map.entry(id, query.dot(c))));
    scored.sort((a, b) -> Double.compare(b.getValue(), a.getValue()));
    return scored.stream().limit(limit).map(Map.Entry::getKey).toList();
  }

  /**
   * Model ids by a similarity-weighted vote of the {@code k} train prompts nearest to the query,
   * best first; only models among the neighbours are ranked (those with a zero vote are dropped).
   */
  List<Long> byNeighbours(SparseVector query, int k) {
    return List.copyOf(neighbours.vote(query, k).keySet());
  }
}
