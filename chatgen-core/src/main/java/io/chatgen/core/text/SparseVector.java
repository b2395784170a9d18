package io.chatgen.core.text;

import java.util.Arrays;

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
