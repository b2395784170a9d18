package io.chatgen.core.text;

import java.util.Arrays;
import java.util.Map;
import java.util.SortedMap;
import java.util.function.IntUnaryOperator;

/**
 * A sparse vector: sorted feature indices and their values. Immutable.
 *
 * @param indices strictly increasing feature indices
 * @param values the values, one per index
 */
public record SparseVector(int[] indices, float[] values) {
  public static final SparseVector EMPTY = new SparseVector(new int[0], new float[0]);

  public SparseVector {
    if (indices.length != values.length) {
      throw new IllegalArgumentException(indices.length + " indices but " + values.length + " values");
    }
  }

  /**
   * Sublinear TF-IDF weights, {@code (1 + ln tf) * idf}, of counted terms, L2-normalised: the one
   * weighting that {@link TfIdf} and hashed encoders share.
   *
   * @param termCounts term index to count, in increasing term order
   * @param featureIndex maps a term index to its feature index (increasing with the term index)
   * @param idf the idf of each term index
   */
  public static SparseVector sublinearTfIdf(SortedMap<Integer, Integer> termCounts, IntUnaryOperator featureIndex,
      float[] idf) {
    int[] ind = new int[termCounts.size()];
    float[] val = new float[termCounts.size()];
    double norm = 0;
    int k = 0;
    for (Map.Entry<Integer, Integer> e : termCounts.entrySet()) {
      ind[k] = featureIndex.applyAsInt(e.getKey());
      val[k] = (float) ((1 + Math.log(e.getValue())) * idf[e.getKey()]);
      norm += (double) val[k] * val[k];
      k++;
    }
    if (norm > 0) {
      float inv = (float) (1 / Math.sqrt(norm));
      for (int i = 0; i < val.length; i++) {
        val[i] *= inv;
      }
    }
    return new SparseVector(ind, val);
  }

  /** The dot product; with L2-normalised vectors, the cosine similarity. */
  public double dot(SparseVector o) {
    int i = 0;
    int j = 0;
    double s = 0;
    while (i < indices.length && j < o.indices.length) {
      int a = indices[i];
      int b = o.indices[j];
      if (a == b) {
        s += (double) values[i++] * o.values[j++];
      } else if (a < b) {
        i++;
      } else {
        j++;
      }
    }
    return s;
  }

  /** The dot product with a dense vector. */
  public double dot(float[] dense) {
    double s = 0;
    for (int k = 0; k < indices.length; k++) {
      s += (double) values[k] * dense[indices[k]];
    }
    return s;
  }

  /** Adds {@code scale * this} into a dense vector. */
  public void addTo(float[] dense, float scale) {
    for (int k = 0; k < indices.length; k++) {
      dense[indices[k]] += scale * values[k];
    }
  }

  public int size() {
    return indices.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SparseVector v && Arrays.equals(v.indices, indices) && Arrays.equals(v.values, values);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(indices) + Arrays.hashCode(values);
  }

  @Override
  public String toString() {
    return "SparseVector[" + indices.length + " non-zero]";
  }
}
