package io.chatgen.params.resource;

import io.chatgen.core.DataFormatException;
import io.chatgen.core.text.SparseVector;
import io.chatgen.core.text.Words;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * TF-IDF over hashed word features: each word of {@link Words#of} goes to one of
 * {@value #BUCKETS} buckets by a fixed hash of its characters, so a vectorizer ships as a table of
 * idf weights without any vocabulary (no text). Sublinear term frequency, smoothed idf,
 * L2-normalised vectors, like {@link io.chatgen.core.text.TfIdf}. Immutable and thread-safe.
 */
public final class HashedTfIdf {
  /** The number of hash buckets (2^18: collisions are rare among the ~40k words of prompts). */
  public static final int BUCKETS = 1 << 18;

  private final float[] idf;
  private final float unseenIdf;

  HashedTfIdf(float[] idf, float unseenIdf) {
    if (idf.length != BUCKETS) {
      throw new DataFormatException("an idf table needs " + BUCKETS + " entries, got " + idf.length);
    }
    this.idf = idf;
    this.unseenIdf = unseenIdf;
  }

  /** Fits on documents. */
  public static HashedTfIdf fit(Collection<String> documents) {
    int[] df = new int[BUCKETS];
    for (String d : documents) {
      Set<Integer> seen = new HashSet<>();
      for (String w : Words.of(d)) {
        seen.add(bucket(w));
      }
      seen.forEach(b -> df[b]++);
    }
    int n = documents.size();
    float[] idf = new float[BUCKETS];
    for (int b = 0; b < BUCKETS; b++) {
      idf[b] = df[b] == 0 ? 0f : (float) (Math.log((1.0 + n) / (1.0 + df[b])) + 1.0);
    }
    return new HashedTfIdf(idf, (float) (Math.log(1.0 + n) + 1.0));
  }

  /**
   * The L2-normalised vector of a text. Words in no training document get the idf of a word seen
   * never; they cannot match any demonstration but keep the norm honest.
   */
  public SparseVector transform(String text) {
    List<String> words = Words.of(text);
    int[] buckets = new int[words.size()];
    for (int i = 0; i < buckets.length; i++) {
      buckets[i] = bucket(words.get(i));
    }
    Arrays.sort(buckets);
    int distinct = 0;
    for (int i = 0; i < buckets.length; i++) {
      if (i == 0 || buckets[i] != buckets[i - 1]) {
        distinct++;
      }
    }
    int[] ind = new int[distinct];
    float[] val = new float[distinct];
    double norm = 0;
    int k = -1;
    int count = 0;
    for (int i = 0; i <= buckets.length; i++) {
      if (i < buckets.length && i > 0 && buckets[i] == buckets[i - 1]) {
        count++;
        continue;
      }
      if (k >= 0) {
        float weight = idf[ind[k]] == 0 ? unseenIdf : idf[ind[k]];
        val[k] = (float) ((1 + Math.log(count)) * weight);
        norm += (double) val[k] * val[k];
      }
      if (i < buckets.length) {
        ind[++k] = buckets[i];
        count = 1;
      }
    }
    if (norm > 0) {
      float inv = (float) (1 / Math.sqrt(norm));
      for (int i = 0; i < val.length; i++) {
        val[i] *= inv;
      }
    }
    return new SparseVector(ind, val);
  }

  float[] idfTable() {
    return idf;
  }

  float unseenIdf() {
    return unseenIdf;
  }

  /** FNV-1a over the UTF-16 units, then a final mix: fixed by this code, the same on every JVM. */
  static int bucket(String word) {
    int h = 0x811C9DC5;
    for (int i = 0; i < word.length(); i++) {
      h ^= word.charAt(i);
      h *= 0x01000193;
    }
    h ^= h >>> 16;
    h *= 0x85EBCA6B;
    h ^= h >>> 13;
    return h & (BUCKETS - 1);
  }
}
