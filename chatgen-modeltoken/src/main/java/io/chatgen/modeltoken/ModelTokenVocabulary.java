package io.chatgen.modeltoken;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.chatgen.core.DataFormatException;
import io.chatgen.core.InvalidRequestException;
import io.chatgen.core.ModelCard;
import io.chatgen.core.ModelLoadException;
import io.chatgen.core.stage.TextEncoder;
import io.chatgen.modeltoken.encoder.ArtifactFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The ModelToken vocabulary: one token per checkpoint (keyed by the catalog model id), each with
 * a learnable embedding row in the encoder's space, plus the provenance and calibration of the
 * weights. The matrix lives in Java memory and is materialised on a DJL device with {@link
 * #embeddings(NDManager)}, so a vocabulary owns no native memory. Immutable and thread-safe:
 * expansion returns a new vocabulary.
 *
 * <p>Files: {@link #save(Path)} writes atomically (temporary file, then move) with a checksum;
 * {@link #load(Path, TextEncoder)} refuses a file trained on another encoder or of another shape.
 * Cards are saved as facts only (ids, names, base model, tags, trigger words, files), never their
 * descriptions.
 */
public final class ModelTokenVocabulary {
  private static final String MAGIC = "CGMT";
  private static final int FORMAT = 1;
  private static final Gson GSON = new Gson();

  /** How a vocabulary file stores the weights. */
  public enum Precision {
    /** 32-bit floats: loading gives back the very same bits. */
    FLOAT32,
    /** 8-bit integers with one scale per row: a quarter of the size, for shipped vocabularies. */
    INT8
  }

  private final List<ModelCard> cards;
  private final float[] weights;
  private final int dimension;
  private final VocabularyProvenance provenance;
  private final Calibration calibration;
  private final Map<Long, Integer> indexById;

  private ModelTokenVocabulary(List<ModelCard> cards, float[] weights, VocabularyProvenance provenance,
      Calibration calibration) {
    this.cards = List.copyOf(cards);
    this.dimension = provenance.dimension();
    if (weights.length != (long) cards.size() * dimension) {
      throw new InvalidRequestException("the weights hold " + weights.length + " values; " + cards.size()
          + " tokens of dimension " + dimension + " need " + (long) cards.size() * dimension);
    }
    for (int i = 0; i < weights.length; i++) {
      if (!Float.isFinite(weights[i])) {
        throw new InvalidRequestException("embedding of " + cards.get(i / dimension).label()
            + " has a non-finite value " + weights[i]);
      }
    }
    this.weights = weights;
    this.provenance = provenance;
    this.calibration = calibration;
    this.indexById = new HashMap<>();
    for (int i = 0; i < this.cards.size(); i++) {
      ModelCard c = this.cards.get(i);
      Integer prev = indexById.putIfAbsent(c.id(), i);
      if (prev != null) {
        throw new InvalidRequestException("duplicate token: model id " + c.id() + " (" + c.name()
            + ") appears twice; each checkpoint has exactly one ModelToken");
      }
    }
  }

  /**
   * A vocabulary from cards and their embedding rows.
   *
   * @param rows one row per card, each of {@code provenance.dimension()} values
   * @throws InvalidRequestException on duplicate model ids, a wrong row length or non-finite values
   */
  public static ModelTokenVocabulary of(List<ModelCard> cards, List<float[]> rows, VocabularyProvenance provenance,
      Calibration calibration) {
    if (cards.size() != rows.size()) {
      throw new InvalidRequestException(cards.size() + " cards but " + rows.size() + " embedding rows");
    }
    int d = provenance.dimension();
    float[] w = new float[cards.size() * d];
    for (int i = 0; i < rows.size(); i++) {
      if (rows.get(i).length != d) {
        throw new InvalidRequestException("embedding row of " + cards.get(i).label() + " has " + rows.get(i).length
            + " values; the encoder dimension is " + d);
      }
      System.arraycopy(rows.get(i), 0, w, i * d, d);
    }
    return new ModelTokenVocabulary(cards, w, provenance, calibration);
  }

  static ModelTokenVocabulary ofFlat(List<ModelCard> cards, float[] weights, VocabularyProvenance provenance,
      Calibration calibration) {
    return new ModelTokenVocabulary(cards, weights, provenance, calibration);
  }

  /** The number of tokens. */
  public int size() {
    return cards.size();
  }

  /** The embedding dimension (the encoder's). */
  public int dimension() {
    return dimension;
  }

  /** The cards, in token order. */
  public List<ModelCard> cards() {
    return cards;
  }

  /** The card of token {@code index}. */
  public ModelCard card(int index) {
    return cards.get(index);
  }

  /** The token index of a catalog model id. */
  public OptionalInt indexOf(long modelId) {
    Integer i = indexById.get(modelId);
    return i == null ? OptionalInt.empty() : OptionalInt.of(i);
  }

  /** The card of a catalog model id. */
  public Optional<ModelCard> byModelId(long modelId) {
    Integer i = indexById.get(modelId);
    return i == null ? Optional.empty() : Optional.of(cards.get(i));
  }

  /** A copy of token {@code index}'s embedding. */
  public float[] row(int index) {
    return Arrays.copyOfRange(weights, index * dimension, (index + 1) * dimension);
  }

  /** A copy of the whole matrix, row-major ({@code size() x dimension()}). */
  public float[] matrix() {
    return weights.clone();
  }

  float[] matrixView() {
    return weights;
  }

  /** The embedding matrix on the manager's device ({@code size() x dimension()}); the caller closes it. */
  public NDArray embeddings(NDManager manager) {
    return manager.create(weights, new Shape(cards.size(), dimension));
  }

  public VocabularyProvenance provenance() {
    return provenance;
  }

  public Calibration calibration() {
    return calibration;
  }

  /** The same tokens with another calibration. */
  public ModelTokenVocabulary withCalibration(Calibration c) {
    return new ModelTokenVocabulary(cards, weights, provenance, c);
  }

  /** Fails unless this vocabulary was trained on {@code encoder}. */
  public void requireEncoder(TextEncoder encoder) {
    if (!encoder.id().equals(provenance.encoderId()) || encoder.dimension() != dimension) {
      throw new ModelLoadException("the vocabulary was trained on encoder " + provenance.encoderId() + " (dimension "
          + dimension + ") but encoder " + encoder.id() + " (dimension " + encoder.dimension()
          + ") was given: use the encoder it was trained with, or retrain it");
    }
  }

  /**
   * This vocabulary without the given models (their rows dropped, the others copied bit for bit).
   *
   * @throws InvalidRequestException when an id is unknown or nothing would be left
   */
  public ModelTokenVocabulary without(Collection<Long> modelIds) {
    List<Long> unknown = unknownIds(modelIds);
    if (!unknown.isEmpty()) {
      throw new InvalidRequestException("cannot remove models " + unknown + ": they are not in the vocabulary");
    }
    java.util.Set<Long> drop = new java.util.HashSet<>(modelIds);
    List<ModelCard> kept = new ArrayList<>();
    float[] w = new float[weights.length];
    int n = 0;
    for (int i = 0; i < cards.size(); i++) {
      if (!drop.contains(cards.get(i).id())) {
        kept.add(cards.get(i));
        System.arraycopy(weights, i * dimension, w, n * dimension, dimension);
        n++;
      }
    }
    if (kept.isEmpty()) {
      throw new InvalidRequestException("removing " + drop.size() + " models would leave an empty vocabulary");
    }
    return new ModelTokenVocabulary(kept, Arrays.copyOf(w, n * dimension),
        provenance.next("removed " + drop.size() + " model(s)"), calibration);
  }

  /** Model ids that are not in this vocabulary. */
  public List<Long> unknownIds(Collection<Long> modelIds) {
    return modelIds.stream().filter(id -> !indexById.containsKey(id)).toList();
  }

  /** Saves at full precision, atomically. */
  public void save(Path file) {
    save(file, Precision.FLOAT32);
  }

  /** Saves atomically: a temporary file in the same folder, then a move over {@code file}. */
  public void save(Path file, Precision precision) {
    JsonObject h = new JsonObject();
    h.add("provenance", GSON.toJsonTree(provenance));
    h.add("calibration", GSON.toJsonTree(calibration));
    h.addProperty("size", cards.size());
    h.addProperty("dimension", dimension);
    h.addProperty("precision", precision.name());
    JsonArray cs = new JsonArray();
    cards.forEach(c -> cs.add(CardCodec.toJson(c)));
    h.add("cards", cs);
    ArtifactFiles.write(file, MAGIC, FORMAT, GSON.toJson(h), out -> {
      if (precision == Precision.FLOAT32) {
        for (float v : weights) {
          out.writeFloat(v);
        }
        return;
      }
      for (int r = 0; r < cards.size(); r++) {
        float max = 0;
        for (int k = 0; k < dimension; k++) {
          max = Math.max(max, Math.abs(weights[r * dimension + k]));
        }
        float scale = max == 0 ? 1f : max / 127f;
        out.writeFloat(scale);
        byte[] q = new byte[dimension];
        for (int k = 0; k < dimension; k++) {
          q[k] = (byte) Math.round(weights[r * dimension + k] / scale);
        }
        out.write(q);
      }
    });
  }

  /**
   * Loads a vocabulary and checks it against the encoder it will be used with.
   *
   * @throws ModelLoadException when it was trained on another encoder or dimension
   * @throws io.chatgen.core.DataFormatException when the file is corrupt or not a vocabulary
   */
  public static ModelTokenVocabulary load(Path file, TextEncoder encoder) {
    ModelTokenVocabulary v = load(file);
    v.requireEncoder(encoder);
    return v;
  }

  /** Loads a vocabulary without checking its encoder. */
  public static ModelTokenVocabulary load(Path file) {
    return read(ArtifactFiles.read(file, MAGIC, FORMAT));
  }

  /** Loads a vocabulary from a stream (a classpath resource). */
  public static ModelTokenVocabulary load(InputStream in, String name) {
    return read(ArtifactFiles.read(in, name, MAGIC, FORMAT));
  }

  private static ModelTokenVocabulary read(ArtifactFiles.Artifact a) {
    try {
      JsonObject h = GSON.fromJson(a.headerJson(), JsonObject.class);
      VocabularyProvenance p = GSON.fromJson(h.get("provenance"), VocabularyProvenance.class);
      p = new VocabularyProvenance(p.encoderId(), p.dimension(), p.dataHash(), p.seed(), p.version(), p.notes());
      JsonObject co = h.getAsJsonObject("calibration");
      // files written before the vote power, the prior and the name match existed lack them: power 1,
      // no prior, names not read
      Calibration c = new Calibration(co.get("temperature").getAsDouble(), co.get("neighbourWeight").getAsDouble(),
          co.get("neighbours").getAsInt(), co.get("floor").getAsDouble(),
          co.has("similarityPower") ? co.get("similarityPower").getAsDouble() : 1.0,
          co.has("priorWeight") ? co.get("priorWeight").getAsDouble() : 0.0,
          co.has("nameWeight") ? co.get("nameWeight").getAsDouble() : 0.0);
      int size = h.get("size").getAsInt();
      int dim = h.get("dimension").getAsInt();
      if (dim != p.dimension()) {
        throw new DataFormatException(a.name() + ": header dimension " + dim + " disagrees with provenance "
            + p.dimension());
      }
      List<ModelCard> cards = new ArrayList<>();
      for (JsonElement e : h.getAsJsonArray("cards")) {
        cards.add(CardCodec.fromJson(e.getAsJsonObject()));
      }
      if (cards.size() != size) {
        throw new DataFormatException(a.name() + ": header says " + size + " tokens but lists " + cards.size()
            + " cards");
      }
      float[] w;
      if (Precision.valueOf(h.get("precision").getAsString()) == Precision.FLOAT32) {
        w = a.floats(Math.multiplyExact(size, dim));
      } else {
        w = new float[Math.multiplyExact(size, dim)];
        for (int r = 0; r < size; r++) {
          float scale = a.payload().readFloat();
          byte[] q = a.bytes(dim);
          for (int k = 0; k < dim; k++) {
            w[r * dim + k] = q[k] * scale;
          }
        }
      }
      a.expectEnd();
      return new ModelTokenVocabulary(cards, w, p, c);
    } catch (DataFormatException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new DataFormatException(a.name() + " is not a valid ModelToken vocabulary: " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "ModelTokenVocabulary[" + cards.size() + " tokens, dim " + dimension + ", encoder "
        + provenance.encoderId() + ", v" + provenance.version() + "]";
  }
}
