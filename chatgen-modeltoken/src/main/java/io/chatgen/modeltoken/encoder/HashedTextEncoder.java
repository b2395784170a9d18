package io.chatgen.modeltoken.encoder;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import io.chatgen.core.DataFormatException;
import io.chatgen.core.InvalidRequestException;
import io.chatgen.core.ModelLoadException;
import io.chatgen.core.stage.TextEncoder;
import io.chatgen.core.text.SparseVector;
import io.chatgen.core.text.Words;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The embedded frozen text encoder: words and word bigrams ({@link Words}) hashed into 2^20
 * buckets and weighted by sublinear TF-IDF, with idf learned from the {@code train} prompts of the
 * Civitai data; buckets never seen at least {@code minDf} times in training weigh nothing. It
 * offers two views of a text:
 *
 * <ul>
 *   <li>{@link #features(String)}: the L2-normalised sparse hashed TF-IDF vector, used by the
 *       neighbour memory, where exact word and bigram overlap identifies a creator's prompt series;
 *   <li>{@link #encode(List)}: that vector folded by signed feature hashing into {@link
 *       #dimension()} dense dimensions and L2-normalised, the features the ModelTokens are trained
 *       on (cosine similarity is preserved in expectation).
 * </ul>
 *
 * <p>Why no learned projection (LSA, PPMI+SVD): on a held-out check (chats-train requests against
 * the train prompts, each target left out) a 256-dimensional LSA projection retrieved the right
 * model's neighbours far less often than exact sparse TF-IDF (top-1 0.06 vs 0.15) and mixing it in
 * did not help; chat requests and prompts share rare words (names, styles, subjects) that a
 * low-rank projection blurs. What is learned from the data is the idf table; the file is about
 * 0.5 MB. Immutable and thread-safe.
 */
public final class HashedTextEncoder implements TextEncoder {
  /** Texts longer than this are refused: the same bound as a chat message. */
  public static final int MAX_CHARS = 100_000;

  static final int BUCKET_BITS = 20;
  private static final int BUCKET_MASK = (1 << BUCKET_BITS) - 1;
  private static final String MAGIC = "CGHE";
  private static final int FORMAT = 1;
  private static final String RESOURCE = "/io/chatgen/modeltoken/encoder/hashed-encoder.bin";
  private static final Gson GSON = new Gson();
  private static volatile HashedTextEncoder embedded;

  private final int dimension;
  private final int[] buckets;
  private final float[] idf;
  private final int[] denseIndex;
  private final float[] denseSign;
  private final int documents;
  private final int minDf;
  private final String dataHash;
  private final String id;

  private HashedTextEncoder(int dimension, int[] buckets, float[] idf, int documents, int minDf, String dataHash) {
    if (dimension < 8 || dimension > 65_536) {
      throw new InvalidRequestException("encoder dimension must be in [8, 65536], was " + dimension);
    }
    if (buckets.length != idf.length) {
      throw new DataFormatException(buckets.length + " buckets but " + idf.length + " idf values");
    }
    for (int i = 1; i < buckets.length; i++) {
      if (buckets[i] <= buckets[i - 1]) {
        throw new DataFormatException("encoder buckets are not strictly increasing at " + i);
      }
    }
    this.dimension = dimension;
    this.buckets = buckets;
    this.idf = idf;
    this.documents = documents;
    this.minDf = minDf;
    this.dataHash = dataHash;
    this.id = "hashed-tfidf-v1-d" + dimension + "-" + dataHash.substring(0, Math.min(12, dataHash.length()));
    denseIndex = new int[buckets.length];
    denseSign = new float[buckets.length];
    for (int i = 0; i < buckets.length; i++) {
      long h = mix(buckets[i] * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L);
      denseIndex[i] = (int) Long.remainderUnsigned(h >>> 1, dimension);
      denseSign[i] = (h & 1) == 0 ? 1f : -1f;
    }
  }

  /**
   * Learns the idf table from documents.
   *
   * @param documents the training texts (the train prompts)
   * @param dimension the dense dimension of {@link #encode(List)}
   * @param minDf buckets seen in fewer documents weigh nothing
   * @param dataHash a hash of the training data, recorded in {@link #id()}
   */
  public static HashedTextEncoder fit(Collection<String> documents, int dimension, int minDf, String dataHash) {
    if (documents.isEmpty()) {
      throw new InvalidRequestException("cannot fit an encoder on no documents");
    }
    if (minDf < 1) {
      throw new InvalidRequestException("minDf must be >= 1, was " + minDf);
    }
    Map<Integer, Integer> df = new HashMap<>();
    for (String d : documents) {
      Set<Integer> seen = new HashSet<>();
      for (String t : terms(d)) {
        seen.add(bucket(t));
      }
      for (Integer b : seen) {
        df.merge(b, 1, Integer::sum);
      }
    }
    TreeMap<Integer, Integer> kept = new TreeMap<>();
    df.forEach((b, n) -> {
      if (n >= minDf) {
        kept.put(b, n);
      }
    });
    int[] buckets = new int[kept.size()];
    float[] idf = new float[kept.size()];
    int i = 0;
    int n = documents.size();
    for (Map.Entry<Integer, Integer> e : kept.entrySet()) {
      buckets[i] = e.getKey();
      idf[i] = (float) (Math.log((1.0 + n) / (1.0 + e.getValue())) + 1.0);
      i++;
    }
    return new HashedTextEncoder(dimension, buckets, idf, n, minDf, dataHash);
  }

  /** The encoder shipped in this jar (learned from the Civitai train prompts), loaded once. */
  public static HashedTextEncoder embedded() {
    HashedTextEncoder e = embedded;
    if (e == null) {
      synchronized (HashedTextEncoder.class) {
        e = embedded;
        if (e == null) {
          InputStream in = HashedTextEncoder.class.getResourceAsStream(RESOURCE);
          if (in == null) {
            throw new ModelLoadException("the embedded encoder resource " + RESOURCE
                + " is missing from the classpath; rebuild it with io.chatgen.modeltoken.tools.BuildStarterArtifacts");
          }
          e = read(ArtifactFiles.read(in, RESOURCE, MAGIC, FORMAT));
          embedded = e;
        }
      }
    }
    return e;
  }

  /** Loads an encoder saved by {@link #save(Path)}. */
  public static HashedTextEncoder load(Path file) {
    return read(ArtifactFiles.read(file, MAGIC, FORMAT));
  }

  private static HashedTextEncoder read(ArtifactFiles.Artifact a) {
    try {
      JsonObject h = GSON.fromJson(a.headerJson(), JsonObject.class);
      int n = h.get("buckets").getAsInt();
      HashedTextEncoder enc = new HashedTextEncoder(h.get("dimension").getAsInt(), a.ints(n), a.floats(n),
          h.get("documents").getAsInt(), h.get("minDf").getAsInt(), h.get("dataHash").getAsString());
      a.expectEnd();
      return enc;
    } catch (IOException | RuntimeException e) {
      if (e instanceof DataFormatException d) {
        throw d;
      }
      throw new DataFormatException(a.name() + " is not a valid encoder file: " + e.getMessage(), e);
    }
  }

  /** Saves atomically. */
  public void save(Path file) {
    JsonObject h = new JsonObject();
    h.addProperty("id", id);
    h.addProperty("dimension", dimension);
    h.addProperty("buckets", buckets.length);
    h.addProperty("documents", documents);
    h.addProperty("minDf", minDf);
    h.addProperty("dataHash", dataHash);
    ArtifactFiles.write(file, MAGIC, FORMAT, GSON.toJson(h), out -> {
      for (int b : buckets) {
        out.writeInt(b);
      }
      for (float v : idf) {
        out.writeFloat(v);
      }
    });
  }

  /**
   * The sparse hashed TF-IDF vector of a text, L2-normalised; empty when no word is known.
   *
   * @throws InvalidRequestException when the text is longer than {@value #MAX_CHARS} characters
   */
  public SparseVector features(String text) {
    check(text);
    TreeMap<Integer, Integer> counts = new TreeMap<>();
    for (String t : terms(text)) {
      int pos = Arrays.binarySearch(buckets, bucket(t));
      if (pos >= 0) {
        counts.merge(pos, 1, Integer::sum);
      }
    }
    return SparseVector.sublinearTfIdf(counts, i -> buckets[i], idf);
  }

  /** Folds a vector from {@link #features(String)} into the dense space, L2-normalised. */
  public float[] fold(SparseVector features) {
    float[] out = new float[dimension];
    int[] ind = features.indices();
    float[] val = features.values();
    for (int k = 0; k < ind.length; k++) {
      int pos = Arrays.binarySearch(buckets, ind[k]);
      if (pos >= 0) {
        out[denseIndex[pos]] += denseSign[pos] * val[k];
      }
    }
    double norm = 0;
    for (float v : out) {
      norm += (double) v * v;
    }
    if (norm > 0) {
      float inv = (float) (1 / Math.sqrt(norm));
      for (int i = 0; i < out.length; i++) {
        out[i] *= inv;
      }
    }
    return out;
  }

  /**
   * Encodes texts into unit vectors (all zeros for a text without a known word, e.g. an empty
   * one).
   *
   * @throws InvalidRequestException when a text is null or longer than {@value #MAX_CHARS} characters
   */
  @Override
  public List<float[]> encode(List<String> texts) {
    List<float[]> out = new ArrayList<>(texts.size());
    for (String t : texts) {
      out.add(fold(features(t)));
    }
    return out;
  }

  @Override
  public int dimension() {
    return dimension;
  }

  @Override
  public String id() {
    return id;
  }

  /** The hash of the data the idf table was learned from. */
  public String dataHash() {
    return dataHash;
  }

  /** How many hashed words and bigrams carry weight. */
  public int knownFeatures() {
    return buckets.length;
  }

  private static void check(String text) {
    if (text == null) {
      throw new InvalidRequestException("text to encode must not be null");
    }
    if (text.length() > MAX_CHARS) {
      throw new InvalidRequestException("text to encode has " + text.length() + " characters; at most "
          + MAX_CHARS + " are accepted: shorten it");
    }
  }

  static List<String> terms(String text) {
    List<String> words = Words.of(text);
    List<String> out = new ArrayList<>(words.size() * 2);
    out.addAll(words);
    for (int i = 0; i + 1 < words.size(); i++) {
      out.add(words.get(i) + ' ' + words.get(i + 1));
    }
    return out;
  }

  /** FNV-1a over the UTF-16 units, then a 64-bit finaliser: stable across JVMs and platforms. */
  static int bucket(String term) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < term.length(); i++) {
      h ^= term.charAt(i);
      h *= 0x100000001b3L;
    }
    return (int) (mix(h) & BUCKET_MASK);
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  @Override
  public String toString() {
    return "HashedTextEncoder[" + id + ", " + buckets.length + " features]";
  }
}
