package io.chatgen.core.text;

import java.util.Arrays;
import java.util.function.IntPredicate;
import java.util.List;

/**
 * An inverted index over sparse vectors for exact dot-product search: a query touches only the
 * postings of its own features, so finding the nearest of thousands of remembered prompts costs
 * microseconds instead of a scan of every vector. With unit-length vectors the dot product is the
 * cosine similarity. Serves the parameter configurator's demonstration retrieval and the model
 * selector's neighbour memory. Immutable and thread-safe.
 */
public final class SparseIndex {
  private final int documents;
  /** Distinct feature ids, ascending. */
  private final int[] features;
  /** The postings of {@code features[i]} are {@code start[i]} (inclusive) to {@code start[i + 1]}. */
  private final int[] start;
  private final int[] postingDoc;
  private final float[] postingValue;

  private SparseIndex(int documents, int[] features, int[] start, int[] postingDoc, float[] postingValue) {
    this.documents = documents;
    this.features = features;
    this.start = start;
    this.postingDoc = postingDoc;
    this.postingValue = postingValue;
  }

  /**
   * The k documents with the highest positive dot product with a query.
   *
   * @param docs document indices, best first (ties: the lower index first)
   * @param scores their dot products with the query, descending, all > 0
   */
  public record Hits(int[] docs, double[] scores) {
    /** The number of hits. */
    public int size() {
      return docs.length;
    }
  }

  /** An index over vectors; document i is {@code vectors.get(i)}. */
  public static SparseIndex of(List<SparseVector> vectors) {
    int total = 0;
    for (SparseVector v : vectors) {
      total += v.size();
    }
    int[] docStart = new int[vectors.size() + 1];
    int[] featureIds = new int[total];
    float[] values = new float[total];
    int p = 0;
    for (int d = 0; d < vectors.size(); d++) {
      SparseVector v = vectors.get(d);
      System.arraycopy(v.indices(), 0, featureIds, p, v.size());
      System.arraycopy(v.values(), 0, values, p, v.size());
      p += v.size();
      docStart[d + 1] = p;
    }
    return of(docStart, featureIds, values);
  }

  /**
   * An index over vectors stored one after another: document d has the features {@code
   * featureIds[docStart[d] .. docStart[d + 1])} with the weights at the same positions of
   * {@code values}.
   *
   * @throws IllegalArgumentException when the arrays disagree or a feature id is negative
   */
  public static SparseIndex of(int[] docStart, int[] featureIds, float[] values) {
    int documents = docStart.length - 1;
    int total = featureIds.length;
    if (documents < 0 || docStart[0] != 0 || docStart[documents] != total || values.length != total) {
      throw new IllegalArgumentException("index arrays disagree: " + Math.max(0, documents) + " documents ending at "
          + (documents < 0 ? "?" : docStart[documents]) + ", " + total + " feature ids, " + values.length + " values");
    }
    // one primitive sort of (feature << 32 | position) keys groups the postings by feature, in
    // document order within a feature
    long[] keys = new long[total];
    int[] docOf = new int[total];
    for (int d = 0; d < documents; d++) {
      if (docStart[d + 1] < docStart[d]) {
        throw new IllegalArgumentException("document " + d + " ends before it starts");
      }
      for (int k = docStart[d]; k < docStart[d + 1]; k++) {
        if (featureIds[k] < 0) {
          throw new IllegalArgumentException("document " + d + " has a negative feature id " + featureIds[k]);
        }
        keys[k] = ((long) featureIds[k] << 32) | k;
        docOf[k] = d;
      }
    }
    Arrays.sort(keys);
    int[] distinct = new int[total];
    int[] starts = new int[total + 1];
    int[] postingDoc = new int[total];
    float[] postingValue = new float[total];
    int n = 0;
    for (int i = 0; i < total; i++) {
      int feature = (int) (keys[i] >>> 32);
      int k = (int) keys[i];
      if (n == 0 || distinct[n - 1] != feature) {
        distinct[n] = feature;
        starts[n] = i;
        n++;
      }
      postingDoc[i] = docOf[k];
      postingValue[i] = values[k];
    }
    starts[n] = total;
    return new SparseIndex(documents, Arrays.copyOf(distinct, n), Arrays.copyOf(starts, n + 1), postingDoc,
        postingValue);
  }

  /** The number of indexed documents. */
  public int size() {
    return documents;
  }

  /** The dot product of the query with every document, by document index (0 where they share no feature). */
  public double[] scores(SparseVector query) {
    double[] score = new double[documents];
    for (int q = 0; q < query.size(); q++) {
      int f = Arrays.binarySearch(features, query.indices()[q]);
      if (f < 0) {
        continue;
      }
      double w = query.values()[q];
      for (int s = start[f]; s < start[f + 1]; s++) {
        score[postingDoc[s]] += w * postingValue[s];
      }
    }
    return score;
  }

  /**
   * The k documents with the highest positive dot product with the query, best first (ties: the
   * lower index first); fewer when fewer share a feature with it.
   *
   * @throws IllegalArgumentException when k < 1
   */
  public Hits nearest(SparseVector query, int k) {
    return nearest(query, k, d -> true);
  }

  /**
   * The k documents that {@code keep} accepts with the highest positive dot product with the
   * query, best first (ties: the lower index first): the nearest among a subset, which is not the
   * subset of the nearest k. {@code keep} is asked only about documents that would enter the list.
   *
   * @throws IllegalArgumentException when k < 1
   */
  public Hits nearest(SparseVector query, int k, IntPredicate keep) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be >= 1, was " + k);
    }
    double[] score = scores(query);
    // insertion into a short sorted list: k is small next to the number of documents
    int[] best = new int[Math.min(k, documents)];
    int n = 0;
    for (int d = 0; d < documents; d++) {
      double s = score[d];
      if (s <= 0 || (n == best.length && s <= score[best[n - 1]]) || !keep.test(d)) {
        continue;
      }
      int at = n == best.length ? n - 1 : n++;
      while (at > 0 && score[best[at - 1]] < s) {
        best[at] = best[at - 1];
        at--;
      }
      best[at] = d;
    }
    int[] docs = Arrays.copyOf(best, n);
    double[] scores = new double[n];
    for (int i = 0; i < n; i++) {
      scores[i] = score[docs[i]];
    }
    return new Hits(docs, scores);
  }
}
