package io.chatgen.params.resource;

import io.chatgen.core.BaseArchitecture;
import io.chatgen.core.DataFormatException;
import io.chatgen.core.ModelCard;
import io.chatgen.core.ModelLoadException;
import io.chatgen.core.Param;
import io.chatgen.core.Sampler;
import io.chatgen.core.data.Demonstration;
import io.chatgen.core.text.SparseIndex;
import io.chatgen.core.text.SparseVector;
import io.chatgen.params.doc.DocumentationExtractor;
import io.chatgen.params.doc.ModelDocumentation;
import io.chatgen.params.doc.Range;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The knowledge of the in-context configurator: demonstrations (ids, parameters and hashed
 * TF-IDF features of their prompts), the vectorizer for queries, and per-model facts
 * (documentation numbers, creator, tags, base). Built from data with {@link #build}, shipped in
 * the jar as {@value #SHIPPED_PATH} (rebuilt by {@link ParamResourceBuilder}), read with
 * {@link #loadShipped()} or {@link #read}. The shipped file holds no prompt or description text.
 *
 * <p>Immutable and thread-safe.
 */
public final class ParamResource {
  private static final Logger log = LoggerFactory.getLogger(ParamResource.class);
  /** Where the shipped resource lives on the class path. */
  public static final String SHIPPED_PATH = "/io/chatgen/params/resource/params-v2.bin.gz";
  private static final int MAGIC = 0x43475052; // "CGPR"
  /** Version 2 adds whether each demonstration is verified; version 1 files (all verified) are still read. */
  private static final int FORMAT_VERSION = 2;
  private static final int HIRES_FLAG = 1;
  private static final int VERIFIED_FLAG = 2;
  private static final String DOC_LABEL = "shipped documentation facts";

  private final HashedTfIdf vectorizer;
  private final List<DemoRecord> demos;
  private final Map<Long, List<DemoRecord>> byModel;
  private final Map<Long, ModelFacts> models;
  private final String provenance;
  /** The search index over the demonstrations, shared with the resources {@link #without} derives. */
  private final SharedIndex index;
  /** Image ids the shared index holds but this resource left out. */
  private final Set<Long> excluded;

  private ParamResource(HashedTfIdf vectorizer, List<DemoRecord> demos, Map<Long, ModelFacts> models,
      String provenance) {
    this(vectorizer, demos, models, provenance, null, Set.of());
  }

  private ParamResource(HashedTfIdf vectorizer, List<DemoRecord> demos, Map<Long, ModelFacts> models,
      String provenance, @Nullable SharedIndex index, Set<Long> excluded) {
    this.vectorizer = vectorizer;
    this.demos = List.copyOf(demos);
    this.index = index != null ? index : new SharedIndex(this.demos);
    this.excluded = Set.copyOf(excluded);
    this.models = Collections.unmodifiableMap(new LinkedHashMap<>(models));
    this.provenance = provenance;
    Map<Long, List<DemoRecord>> m = new LinkedHashMap<>();
    for (DemoRecord d : this.demos) {
      m.computeIfAbsent(d.modelId(), k -> new ArrayList<>()).add(d);
    }
    m.replaceAll((k, v) -> List.copyOf(v));
    this.byModel = Collections.unmodifiableMap(m);
  }

  /**
   * Builds a resource from demonstrations (all of them are used: pass the {@code train} split, and
   * the {@code unverified} one if wanted: their {@link Demonstration#modelHashMatches()} flag
   * marks them, and the configurator weighs them less) and model cards (documentation is read from
   * their descriptions).
   *
   * @param keepPrompts whether to keep prompt texts (for an LLM prompt; never for shipping)
   */
  public static ParamResource build(Collection<Demonstration> demonstrations, Collection<ModelCard> cards,
      boolean keepPrompts) {
    List<String> prompts = demonstrations.stream().map(Demonstration::prompt).toList();
    HashedTfIdf vectorizer = HashedTfIdf.fit(prompts);
    List<DemoRecord> records = new ArrayList<>();
    for (Demonstration d : demonstrations) {
      records.add(DemoRecord.of(d, vectorizer, keepPrompts));
    }
    DocumentationExtractor extractor = new DocumentationExtractor();
    Map<Long, ModelFacts> facts = new LinkedHashMap<>();
    for (ModelCard c : cards) {
      facts.putIfAbsent(c.id(), new ModelFacts(c.id(), c.name(), c.base(), c.creator(), c.tags(),
          extractor.extract(c.description()).withSourceLabel(DOC_LABEL)));
    }
    return new ParamResource(vectorizer, records, facts,
        "built from " + records.size() + " demonstrations (" + records.stream().filter(r -> !r.verified()).count()
            + " unverified) of " + records.stream().map(DemoRecord::modelId).distinct()
            .count() + " models and " + facts.size() + " model cards");
  }

  /**
   * Loads the resource shipped in this jar.
   *
   * @throws ModelLoadException when it is missing or damaged (a broken build)
   */
  public static ParamResource loadShipped() {
    try (InputStream in = ParamResource.class.getResourceAsStream(SHIPPED_PATH)) {
      if (in == null) {
        throw new ModelLoadException("the parameter resource " + SHIPPED_PATH + " is not on the class path; "
            + "rebuild it with io.chatgen.params.resource.ParamResourceBuilder");
      }
      ParamResource r = read(in, SHIPPED_PATH);
      log.debug("loaded {}: {}", SHIPPED_PATH, r.provenance);
      return r;
    } catch (IOException e) {
      throw new ModelLoadException("cannot read " + SHIPPED_PATH + ": " + e.getMessage(), e);
    }
  }

  /**
   * This resource without some demonstrations (for leave-one-out evaluation on demonstrations the
   * resource was built from); the vectorizer is kept.
   */
  public ParamResource without(Set<Long> imageIds) {
    List<DemoRecord> kept = demos.stream().filter(d -> !imageIds.contains(d.imageId())).toList();
    // the search index is shared, not rebuilt: its hits of left-out demonstrations are skipped
    Set<Long> out = new HashSet<>(excluded);
    out.addAll(imageIds);
    return new ParamResource(vectorizer, kept, models, provenance + ", less " + (demos.size() - kept.size())
        + " held out", index, out);
  }

  /** The vectorizer for queries, the same the demonstrations were vectorized with. */
  public HashedTfIdf vectorizer() {
    return vectorizer;
  }

  /** All demonstrations. */
  public List<DemoRecord> demos() {
    return demos;
  }

  /**
   * A demonstration with its similarity to a query.
   *
   * @param demo the demonstration
   * @param similarity cosine similarity of its prompt to the query, in (0, 1]
   */
  public record Hit(DemoRecord demo, double similarity) {}

  /**
   * The k demonstrations of any model whose prompts are most similar to {@code q} (a vector of
   * {@link #vectorizer()}), most similar first; those sharing no feature with it are left out.
   * The index behind this is built on first use.
   *
   * @throws IllegalArgumentException when k < 1
   */
  public List<Hit> nearest(SparseVector q, int k) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be >= 1, was " + k);
    }
    SparseIndex.Hits hits = index.get().nearest(q, excluded.isEmpty() ? k : k + excluded.size());
    List<Hit> out = new ArrayList<>(Math.min(k, hits.size()));
    for (int h = 0; h < hits.size() && out.size() < k; h++) {
      DemoRecord d = index.demos.get(hits.docs()[h]);
      if (!excluded.contains(d.imageId())) {
        out.add(new Hit(d, Math.min(1, hits.scores()[h])));
      }
    }
    return out;
  }

  /** An inverted index over a list of demonstrations, built on first use. */
  private static final class SharedIndex {
    private final List<DemoRecord> demos;
    private volatile @Nullable SparseIndex index;

    SharedIndex(List<DemoRecord> demos) {
      this.demos = demos;
    }

    SparseIndex get() {
      SparseIndex i = index;
      if (i == null) {
        synchronized (this) {
          i = index;
          if (i == null) {
            // scanning every demonstration's vector instead cost about 25 ms a request over 12,937
            i = SparseIndex.of(demos.stream().map(DemoRecord::features).toList());
            index = i;
          }
        }
      }
      return i;
    }
  }

  /** The demonstrations of one model (empty when none). */
  public List<DemoRecord> demosOf(long modelId) {
    return byModel.getOrDefault(modelId, List.of());
  }

  /** The ids of models with at least one demonstration. */
  public Set<Long> modelsWithDemos() {
    return byModel.keySet();
  }

  /** The facts of one model, when the resource knows it. */
  public Optional<ModelFacts> facts(long modelId) {
    return Optional.ofNullable(models.get(modelId));
  }

  /** All model facts. */
  public Collection<ModelFacts> models() {
    return models.values();
  }

  /** What the resource was built from, for provenance. */
  public String provenance() {
    return provenance;
  }

  /** Writes the resource (gzip-compressed binary, format version {@value #FORMAT_VERSION}). */
  public void write(OutputStream out) throws IOException {
    GZIPOutputStream gz = new GZIPOutputStream(out, 1 << 16);
    DataOutputStream o = new DataOutputStream(new BufferedOutputStream(gz, 1 << 16));
    o.writeInt(MAGIC);
    o.writeInt(FORMAT_VERSION);
    o.writeUTF(provenance);
    float[] idf = vectorizer.idfTable();
    int nnz = 0;
    for (float f : idf) {
      nnz += f == 0 ? 0 : 1;
    }
    o.writeInt(nnz);
    int prev = 0;
    for (int i = 0; i < idf.length; i++) {
      if (idf[i] != 0) {
        writeVarInt(o, i - prev);
        prev = i;
        o.writeFloat(idf[i]);
      }
    }
    o.writeFloat(vectorizer.unseenIdf());
    o.writeInt(models.size());
    for (ModelFacts m : models.values()) {
      o.writeLong(m.id());
      o.writeUTF(m.name());
      o.writeByte(m.base().ordinal());
      o.writeUTF(m.creator() == null ? "" : m.creator());
      o.writeShort(m.tags().size());
      for (String t : m.tags()) {
        o.writeUTF(t);
      }
      writeDoc(o, m.documentation());
    }
    o.writeInt(demos.size());
    for (DemoRecord d : demos) {
      o.writeLong(d.imageId());
      o.writeLong(d.modelId());
      o.writeLong(d.versionId());
      o.writeByte(d.sampler() == null ? -1 : d.sampler().ordinal());
      o.writeShort(d.steps() == null ? -1 : Math.min(d.steps(), Short.MAX_VALUE));
      o.writeFloat(d.cfgScale() == null ? Float.NaN : d.cfgScale().floatValue());
      o.writeShort(d.width() == null ? -1 : Math.min(d.width(), Short.MAX_VALUE));
      o.writeShort(d.height() == null ? -1 : Math.min(d.height(), Short.MAX_VALUE));
      o.writeByte(d.clipSkip() == null ? -1 : d.clipSkip());
      o.writeByte((d.hires() ? HIRES_FLAG : 0) | (d.verified() ? VERIFIED_FLAG : 0));
      SparseVector v = d.features();
      o.writeShort(v.size());
      int p = 0;
      for (int k = 0; k < v.size(); k++) {
        writeVarInt(o, v.indices()[k] - p);
        p = v.indices()[k];
      }
      for (int k = 0; k < v.size(); k++) {
        // int8 quantization: cosine similarities change by well under 0.01
        o.writeByte(Math.round(Math.max(-1f, Math.min(1f, v.values()[k])) * 127f));
      }
    }
    o.flush();
    gz.finish();
  }

  /**
   * Reads a resource written by {@link #write}.
   *
   * @param source the file or class-path name, for messages
   * @throws DataFormatException when the bytes are not such a resource
   */
  public static ParamResource read(InputStream in, String source) throws IOException {
    try {
      DataInputStream i = new DataInputStream(new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16));
      if (i.readInt() != MAGIC) {
        throw new DataFormatException(source + " is not a ChatGen parameter resource (bad magic number)");
      }
      int version = i.readInt();
      if (version != FORMAT_VERSION && version != 1) {
        throw new DataFormatException(source + " has format version " + version + "; this code reads versions 1 to "
            + FORMAT_VERSION + ": rebuild it with ParamResourceBuilder");
      }
      String provenance = i.readUTF();
      float[] idf = new float[HashedTfIdf.BUCKETS];
      int nnz = i.readInt();
      int at = 0;
      for (int k = 0; k < nnz; k++) {
        at += readVarInt(i);
        check(at >= 0 && at < idf.length, source, "idf index " + at);
        idf[at] = i.readFloat();
      }
      HashedTfIdf vectorizer = new HashedTfIdf(idf, i.readFloat());
      int nModels = i.readInt();
      check(nModels >= 0, source, "model count " + nModels);
      Map<Long, ModelFacts> models = new LinkedHashMap<>();
      BaseArchitecture[] bases = BaseArchitecture.values();
      for (int m = 0; m < nModels; m++) {
        long id = i.readLong();
        String name = i.readUTF();
        int base = i.readByte();
        check(base >= 0 && base < bases.length, source, "base " + base);
        String creator = i.readUTF();
        int nTags = i.readShort();
        List<String> tags = new ArrayList<>(nTags);
        for (int t = 0; t < nTags; t++) {
          tags.add(i.readUTF());
        }
        models.put(id, new ModelFacts(id, name, bases[base], creator.isEmpty() ? null : creator, tags, readDoc(i,
            source)));
      }
      int nDemos = i.readInt();
      check(nDemos >= 0, source, "demonstration count " + nDemos);
      Sampler[] samplers = Sampler.values();
      List<DemoRecord> demos = new ArrayList<>(nDemos);
      for (int d = 0; d < nDemos; d++) {
        long imageId = i.readLong();
        long modelId = i.readLong();
        long versionId = i.readLong();
        int s = i.readByte();
        check(s >= -1 && s < samplers.length, source, "sampler " + s);
        int steps = i.readShort();
        float cfg = i.readFloat();
        int w = i.readShort();
        int h = i.readShort();
        int clip = i.readByte();
        int flags = version == 1 ? (i.readBoolean() ? HIRES_FLAG : 0) | VERIFIED_FLAG : i.readByte();
        check(flags >= 0 && flags <= (HIRES_FLAG | VERIFIED_FLAG), source, "demonstration flags " + flags);
        int n = i.readShort();
        check(n >= 0, source, "feature count " + n);
        int[] ind = new int[n];
        float[] val = new float[n];
        int p = 0;
        for (int k = 0; k < n; k++) {
          p += readVarInt(i);
          check(p >= 0 && p < HashedTfIdf.BUCKETS, source, "feature index " + p);
          ind[k] = p;
        }
        for (int k = 0; k < n; k++) {
          val[k] = i.readByte() / 127f;
        }
        demos.add(new DemoRecord(imageId, modelId, versionId, s < 0 ? null : samplers[s], steps < 0 ? null : steps,
            Float.isNaN(cfg) ? null : (double) cfg, w < 0 ? null : w, h < 0 ? null : h, clip < 0 ? null : clip,
            (flags & HIRES_FLAG) != 0, (flags & VERIFIED_FLAG) != 0, new SparseVector(ind, val), null));
      }
      return new ParamResource(vectorizer, demos, models, provenance);
    } catch (java.io.EOFException e) {
      throw new DataFormatException(source + " is truncated: rebuild it with ParamResourceBuilder", e);
    } catch (java.util.zip.ZipException e) {
      throw new DataFormatException(source + " is not gzip-compressed: " + e.getMessage(), e);
    }
  }

  /**
   * The models most like {@code card} that have demonstrations: by the same creator, ranked by
   * shared tags and same base. Models that only share tags are not similar enough: on held-out
   * train chats whose model had no other demonstration, the values of the five models sharing
   * most tags scored 0.41 mean accuracy, below the base architecture's most used values (0.52),
   * while the same creator's models scored 0.58.
   */
  public List<SimilarModel> similarModels(ModelCard card, int limit) {
    if (card.creator() == null || card.creator().isBlank()) {
      return List.of();
    }
    Set<String> tags = new HashSet<>(card.tags());
    List<SimilarModel> out = new ArrayList<>();
    for (Long id : byModel.keySet()) {
      ModelFacts f = models.get(id);
      if (id == card.id() || f == null || f.creator() == null || !card.creator().equalsIgnoreCase(f.creator())) {
        continue;
      }
      double score = 1;
      List<String> why = new ArrayList<>(List.of("same creator"));
      int shared = 0;
      for (String t : f.tags()) {
        shared += tags.contains(t) ? 1 : 0;
      }
      if (shared > 0) {
        score += shared / (double) (tags.size() + f.tags().size() - shared);
        why.add(shared + " shared tags");
      }
      if (f.base() == card.base()) {
        score += 0.5;
      } else {
        why.add("other base " + f.base().label());
      }
      out.add(new SimilarModel(f, score, String.join(", ", why)));
    }
    out.sort((a, b) -> Double.compare(b.score(), a.score()));
    return out.size() > limit ? List.copyOf(out.subList(0, limit)) : List.copyOf(out);
  }

  /**
   * A model similar to the one being configured.
   *
   * @param facts its facts
   * @param score how similar (higher is closer)
   * @param why the shared traits, for reasons
   */
  public record SimilarModel(ModelFacts facts, double score, String why) {}

  private static void writeDoc(DataOutputStream o, ModelDocumentation d) throws IOException {
    o.writeByte(d.samplers().size());
    for (Sampler s : d.samplers()) {
      o.writeByte(s.ordinal());
    }
    writeRange(o, d.steps());
    writeRange(o, d.cfgScale());
    o.writeByte(d.clipSkip() == null ? -1 : d.clipSkip());
    o.writeShort(d.width() == null ? -1 : d.width());
    o.writeShort(d.height() == null ? -1 : d.height());
    o.writeBoolean(d.hires());
  }

  private static ModelDocumentation readDoc(DataInputStream i, String source) throws IOException {
    int n = i.readByte();
    check(n >= 0, source, "sampler count " + n);
    List<Sampler> samplers = new ArrayList<>();
    Map<Param, String> sources = new EnumMap<>(Param.class);
    for (int k = 0; k < n; k++) {
      int s = i.readByte();
      check(s >= 0 && s < Sampler.values().length, source, "sampler " + s);
      samplers.add(Sampler.values()[s]);
      sources.put(Param.SAMPLER, DOC_LABEL);
    }
    Range steps = readRange(i);
    Range cfg = readRange(i);
    int clip = i.readByte();
    int w = i.readShort();
    int h = i.readShort();
    boolean hires = i.readBoolean();
    if (steps != null) {
      sources.put(Param.STEPS, DOC_LABEL);
    }
    if (cfg != null) {
      sources.put(Param.CFG_SCALE, DOC_LABEL);
    }
    if (clip > 0) {
      sources.put(Param.CLIP_SKIP, DOC_LABEL);
    }
    if (w > 0 && h > 0) {
      sources.put(Param.WIDTH, DOC_LABEL);
      sources.put(Param.HEIGHT, DOC_LABEL);
    }
    return new ModelDocumentation(samplers, steps, cfg, clip > 0 ? clip : null, w > 0 && h > 0 ? w : null,
        w > 0 && h > 0 ? h : null, hires, List.of(), sources, 0);
  }

  private static void writeRange(DataOutputStream o, @Nullable Range r) throws IOException {
    o.writeBoolean(r != null);
    if (r != null) {
      o.writeFloat((float) r.low());
      o.writeFloat((float) r.high());
    }
  }

  private static @Nullable Range readRange(DataInputStream i) throws IOException {
    if (!i.readBoolean()) {
      return null;
    }
    float lo = i.readFloat();
    float hi = i.readFloat();
    return new Range(lo, hi);
  }

  private static void writeVarInt(DataOutputStream o, int v) throws IOException {
    while ((v & ~0x7F) != 0) {
      o.writeByte((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    o.writeByte(v);
  }

  private static int readVarInt(DataInputStream i) throws IOException {
    int v = 0;
    for (int shift = 0; shift < 35; shift += 7) {
      int b = i.readUnsignedByte();
      v |= (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return v;
      }
    }
    throw new DataFormatException("malformed variable-length integer");
  }

  private static void check(boolean ok, String source, String what) {
    if (!ok) {
      throw new DataFormatException(source + " is damaged: bad " + what + "; rebuild it with ParamResourceBuilder");
    }
  }
}
