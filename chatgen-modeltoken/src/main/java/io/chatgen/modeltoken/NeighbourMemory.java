package io.chatgen.modeltoken;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import io.chatgen.core.DataFormatException;
import io.chatgen.core.InvalidRequestException;
import io.chatgen.core.text.SparseIndex;
import io.chatgen.core.text.SparseVector;
import io.chatgen.modeltoken.encoder.ArtifactFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongPredicate;

/**
 * A memory of encoded demonstrations (hashed sparse TF-IDF vectors from {@link
 * io.chatgen.modeltoken.encoder.HashedTextEncoder#features}, weights quantised to 8 bits) and the
 * model that made each, with an inverted index for exact cosine search. Creators post series of
 * similar prompts, so the nearest remembered prompts vote strongly for the right model; the
 * selector blends this vote with the ModelToken scores. The memory keeps no text, only hashed
 * feature ids and weights. Immutable and thread-safe.
 */
public final class NeighbourMemory {
  private static final String MAGIC = "CGNM";
  private static final int FORMAT = 1;
  private static final Gson GSON = new Gson();

  private final long[] docModel;
  private final int[] docStart;
  private final int[] featIdx;
  private final byte[] featVal;
  private final SparseIndex index;

  private NeighbourMemory(long[] docModel, int[] docStart, int[] featIdx, byte[] featVal) {
    if (docStart.length != docModel.length + 1 || docStart[docModel.length] != featIdx.length
        || featIdx.length != featVal.length) {
      throw new DataFormatException("neighbour memory arrays disagree: " + docModel.length + " documents, "
          + featIdx.length + " features, " + featVal.length + " weights");
    }
    this.docModel = docModel;
    this.docStart = docStart;
    this.featIdx = featIdx;
    this.featVal = featVal;
    float[] weights = new float[featVal.length];
    for (int doc = 0; doc < docModel.length; doc++) {
      for (int k = docStart[doc]; k < docStart[doc + 1]; k++) {
        if (k > docStart[doc] && featIdx[k] <= featIdx[k - 1]) {
          throw new DataFormatException("neighbour memory document " + doc + " has unsorted features");
        }
        if (featIdx[k] < 0) {
          throw new DataFormatException("neighbour memory document " + doc + " has a negative feature id");
        }
        weights[k] = (featVal[k] & 0xff) / 255f;
      }
    }
    // the inverted index is built on load to keep the file small (one primitive sort, so that
    // adding prompts online stays fast)
    try {
      this.index = SparseIndex.of(docStart, featIdx, weights);
    } catch (IllegalArgumentException e) {
      throw new DataFormatException("neighbour memory: " + e.getMessage(), e);
    }
  }

  /** A memory of vectors (from {@code HashedTextEncoder.features}) and their model ids. */
  public static NeighbourMemory of(List<SparseVector> vectors, List<Long> modelIds) {
    if (vectors.size() != modelIds.size()) {
      throw new InvalidRequestException(vectors.size() + " vectors but " + modelIds.size() + " model ids");
    }
    return empty().withAdded(vectors, modelIds);
  }

  /** A memory with nothing in it. */
  public static NeighbourMemory empty() {
    return new NeighbourMemory(new long[0], new int[1], new int[0], new byte[0]);
  }

  /** This memory plus more documents; this one is unchanged. */
  public NeighbourMemory withAdded(List<SparseVector> vectors, List<Long> modelIds) {
    if (vectors.size() != modelIds.size()) {
      throw new InvalidRequestException(vectors.size() + " vectors but " + modelIds.size() + " model ids");
    }
    int extra = vectors.stream().mapToInt(SparseVector::size).sum();
    long[] models = Arrays.copyOf(docModel, docModel.length + vectors.size());
    int[] starts = Arrays.copyOf(docStart, docStart.length + vectors.size());
    int[] idx = Arrays.copyOf(featIdx, featIdx.length + extra);
    byte[] val = Arrays.copyOf(featVal, featVal.length + extra);
    int pos = featIdx.length;
    for (int i = 0; i < vectors.size(); i++) {
      SparseVector v = vectors.get(i);
      models[docModel.length + i] = modelIds.get(i);
      for (int k = 0; k < v.size(); k++) {
        float w = v.values()[k];
        if (!(w >= 0 && w <= 1.0001f)) {
          throw new InvalidRequestException("memory vectors must be L2-normalised with non-negative weights; got "
              + w);
        }
        idx[pos] = v.indices()[k];
        val[pos] = (byte) Math.round(Math.min(1f, w) * 255f);
        pos++;
      }
      starts[docModel.length + i + 1] = pos;
    }
    return new NeighbourMemory(models, starts, idx, val);
  }

  /** This memory without the documents of the given models. */
  public NeighbourMemory withoutModels(java.util.Set<Long> modelIds) {
    List<Integer> keep = new ArrayList<>();
    int feats = 0;
    for (int doc = 0; doc < docModel.length; doc++) {
      if (!modelIds.contains(docModel[doc])) {
        keep.add(doc);
        feats += docStart[doc + 1] - docStart[doc];
      }
    }
    long[] models = new long[keep.size()];
    int[] starts = new int[keep.size() + 1];
    int[] idx = new int[feats];
    byte[] val = new byte[feats];
    int pos = 0;
    for (int i = 0; i < keep.size(); i++) {
      int doc = keep.get(i);
      models[i] = docModel[doc];
      int len = docStart[doc + 1] - docStart[doc];
      System.arraycopy(featIdx, docStart[doc], idx, pos, len);
      System.arraycopy(featVal, docStart[doc], val, pos, len);
      pos += len;
      starts[i + 1] = pos;
    }
    return new NeighbourMemory(models, starts, idx, val);
  }

  /** The number of remembered documents. */
  public int size() {
    return docModel.length;
  }

  /** The model id of document {@code doc}. */
  public long modelOf(int doc) {
    return docModel[doc];
  }

  /**
   * The {@code k} nearest documents to a query and their cosine similarities (positive only), best
   * first; fewer when fewer documents share a feature with the query.
   *
   * @param docs document indices (see {@link #modelOf(int)})
   * @param similarities their cosine similarities, descending
   */
  public record Neighbours(int[] docs, float[] similarities) {}

  /** The {@code k} nearest documents by cosine similarity (exact search on the inverted index). */
  public Neighbours nearest(SparseVector query, int k) {
    if (k < 1) {
      throw new InvalidRequestException("k must be >= 1, was " + k);
    }
    SparseIndex.Hits hits = index.nearest(query, k);
    float[] sims = new float[hits.size()];
    for (int i = 0; i < sims.length; i++) {
      sims[i] = (float) hits.scores()[i];
    }
    return new Neighbours(hits.docs(), sims);
  }

  /**
   * The similarity-weighted vote of the {@code k} nearest documents (cosine similarity, positive
   * only), keyed by model id; empty when nothing shares a feature with the query.
   */
  public Map<Long, Double> vote(SparseVector query, int k) {
    return vote(query, k, 1.0);
  }

  /**
   * The vote of the {@code k} nearest documents, each weighing its cosine similarity to the power
   * {@code power} (a high power lets the closest prompts, often of the same creator's series,
   * dominate), keyed by model id; empty when nothing shares a feature with the query.
   */
  public Map<Long, Double> vote(SparseVector query, int k, double power) {
    return vote(query, k, power, m -> true);
  }

  /**
   * The vote of the {@code k} nearest documents of the models {@code models} accepts (by model
   * id), as {@link #vote(SparseVector, int, double)}: a selector restricted to some models (safe
   * mode, the installed ones) hears k of their prompts, not what is left of them among the k
   * nearest of all.
   */
  public Map<Long, Double> vote(SparseVector query, int k, double power, LongPredicate models) {
    if (!(power > 0) || Double.isInfinite(power)) {
      throw new InvalidRequestException("similarity power must be > 0 and finite, was " + power);
    }
    if (k < 1) {
      throw new InvalidRequestException("k must be >= 1, was " + k);
    }
    SparseIndex.Hits hits = index.nearest(query, k, d -> models.test(docModel[d]));
    Map<Long, Double> out = new HashMap<>();
    for (int i = 0; i < hits.size(); i++) {
      // through float, as nearest() reports similarities, so that both votes weigh a document alike
      out.merge(docModel[hits.docs()[i]], Math.pow((float) hits.scores()[i], power), Double::sum);
    }
    return out;
  }

  /** How many documents each model has in this memory, by model id. */
  public Map<Long, Integer> documentsPerModel() {
    Map<Long, Integer> out = new HashMap<>();
    for (long m : docModel) {
      out.merge(m, 1, Integer::sum);
    }
    return out;
  }

  /** Saves atomically. */
  public void save(Path file) {
    JsonObject h = new JsonObject();
    h.addProperty("documents", docModel.length);
    h.addProperty("features", featIdx.length);
    ArtifactFiles.write(file, MAGIC, FORMAT, GSON.toJson(h), out -> {
      for (long m : docModel) {
        out.writeLong(m);
      }
      for (int s : docStart) {
        out.writeInt(s);
      }
      for (int f : featIdx) {
        out.writeInt(f);
      }
      out.write(featVal);
    });
  }

  /** Loads a memory saved by {@link #save(Path)}. */
  public static NeighbourMemory load(Path file) {
    return read(ArtifactFiles.read(file, MAGIC, FORMAT));
  }

  /** Loads a memory from a stream (a classpath resource). */
  public static NeighbourMemory load(InputStream in, String name) {
    return read(ArtifactFiles.read(in, name, MAGIC, FORMAT));
  }

  private static NeighbourMemory read(ArtifactFiles.Artifact a) {
    try {
      JsonObject h = GSON.fromJson(a.headerJson(), JsonObject.class);
      int docs = h.get("documents").getAsInt();
      int feats = h.get("features").getAsInt();
      NeighbourMemory m = new NeighbourMemory(a.longs(docs), a.ints(docs + 1), a.ints(feats), a.bytes(feats));
      a.expectEnd();
      return m;
    } catch (DataFormatException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new DataFormatException(a.name() + " is not a valid neighbour memory: " + e.getMessage(), e);
    }
  }
}
