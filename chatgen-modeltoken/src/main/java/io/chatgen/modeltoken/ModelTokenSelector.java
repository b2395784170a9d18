package io.chatgen.modeltoken;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.chatgen.core.BaseArchitecture;
import io.chatgen.core.ChatGenException;
import io.chatgen.core.ChatRequest;
import io.chatgen.core.InvalidRequestException;
import io.chatgen.core.ModelCard;
import io.chatgen.core.ModelChoice;
import io.chatgen.core.RewrittenPrompt;
import io.chatgen.core.ScoredModel;
import io.chatgen.core.stage.Described;
import io.chatgen.core.stage.InstalledModels;
import io.chatgen.core.stage.ModelSelector;
import io.chatgen.core.stage.TextEncoder;
import io.chatgen.core.text.SettingPhrases;
import io.chatgen.core.text.SparseVector;
import io.chatgen.modeltoken.encoder.HashedTextEncoder;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stage 2 by ModelTokens: encodes the chat (all user turns) and the rewritten prompt, scores every
 * token ({@code softmax(W e / T)}), blends that with the similarity-weighted vote of the nearest
 * remembered prompts (the shipped memory: train prompts and the unverified prompts of the same
 * models) and with the words of model names the request uses ({@link NameMatch}), and returns the
 * top-k models with probabilities. Temperature and blend
 * weight come from the vocabulary's {@link Calibration}, fitted on held-out training data.
 *
 * <p>Restrictions: safe mode (on by default) leaves out cards tagged explicit ({@code
 * nsfwTagged}); {@link Builder#optAllowedModels} keeps only the given model ids (the checkpoints
 * installed locally); {@link Builder#optBaseArchitecture} only one architecture. Probabilities are
 * renormalised over what the allow-list and the architecture leave, but not over what safe mode
 * leaves out: a safe choice's probability is its chance among all those models, explicit ones
 * included, since the request may well have been made for one of them (a second neighbour search
 * per request, about 1 ms).
 *
 * <p>Owns the token matrix on its DJL device: close it. Thread-safe: each call works in its own
 * child NDManager.
 */
public final class ModelTokenSelector implements ModelSelector, Described, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ModelTokenSelector.class);
  private final ModelTokenVocabulary vocabulary;
  private final TextEncoder encoder;
  private final HashedTextEncoder featurizer;
  private final NeighbourMemory memory;
  private final Calibration calibration;
  private final Device device;
  private final int topK;
  private final boolean safeMode;
  private final @Nullable Set<Long> allowed;
  private final @Nullable BaseArchitecture architecture;
  /** What the allow-list stands for ("the 3 models installed in ..."), for {@link #describe()}. */
  private final @Nullable String allowedMeaning;
  private final boolean[] eligible;
  /** No restriction applies: the neighbour vote need not skip any remembered prompt. */
  private final boolean allEligible;
  /**
   * The models eligible but for safe mode, when safe mode leaves some of them out (else null):
   * their probability mass is what a safe choice's probability must not claim.
   */
  private final boolean @Nullable [] eligibleWithExplicit;
  /** Safe mode is the only restriction: the blend with explicit models may use the plain vote. */
  private final boolean onlySafeMode;
  private final double[] logPrior;
  private final NameMatch names;
  private final NDManager manager;
  private final NDArray tokens;

  private ModelTokenSelector(Builder b, ModelTokenVocabulary vocabulary, TextEncoder encoder,
      HashedTextEncoder featurizer, NeighbourMemory memory) {
    this.vocabulary = vocabulary;
    this.encoder = encoder;
    this.featurizer = featurizer;
    this.memory = memory;
    this.calibration = b.calibration == null ? vocabulary.calibration() : b.calibration;
    this.device = b.device;
    this.topK = b.topK;
    this.safeMode = b.safeMode;
    this.allowed = b.allowed == null ? null : Set.copyOf(b.allowed);
    this.architecture = b.architecture;
    this.allowedMeaning = b.allowed == null ? null : b.allowedMeaning;
    vocabulary.requireEncoder(encoder);
    if (allowed != null) {
      List<Long> unknown = vocabulary.unknownIds(allowed);
      if (!unknown.isEmpty()) {
        throw new InvalidRequestException("allowed models " + unknown + " are not in the vocabulary ("
            + vocabulary.size() + " tokens): add them first (ModelTokenSelector.expand) or leave them out");
      }
    }
    eligible = new boolean[vocabulary.size()];
    boolean[] withExplicit = new boolean[vocabulary.size()];
    int n = 0;
    int explicit = 0;
    for (int i = 0; i < eligible.length; i++) {
      ModelCard c = vocabulary.card(i);
      withExplicit[i] = (allowed == null || allowed.contains(c.id()))
          && (architecture == null || c.base() == architecture);
      eligible[i] = withExplicit[i] && !(safeMode && c.nsfwTagged());
      n += eligible[i] ? 1 : 0;
      explicit += withExplicit[i] && !eligible[i] ? 1 : 0;
    }
    allEligible = n == eligible.length;
    eligibleWithExplicit = explicit > 0 ? withExplicit : null;
    onlySafeMode = allowed == null && architecture == null;
    if (n == 0) {
      throw new InvalidRequestException("no model is left to choose from after the restrictions (safe mode "
          + safeMode + ", allowed " + (allowed == null ? "all" : allowed.size() + " ids") + ", architecture "
          + (architecture == null ? "any" : architecture.label()) + ")");
    }
    // popularity prior: ln(remembered prompts + 1) per token; requests come one per demonstration
    logPrior = new double[vocabulary.size()];
    for (Map.Entry<Long, Integer> en : memory.documentsPerModel().entrySet()) {
      int idx = vocabulary.indexOf(en.getKey()).orElse(-1);
      if (idx >= 0) {
        logPrior[idx] = Math.log(en.getValue() + 1.0);
      }
    }
    this.names = NameMatch.of(vocabulary.cards());
    this.manager = NDManager.newBaseManager(device);
    try {
      this.tokens = vocabulary.embeddings(manager);
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /** A builder; with nothing set it builds the shipped starter selector. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public ModelChoice select(ChatRequest request, @Nullable RewrittenPrompt prompt) {
    if (request == null) {
      throw new InvalidRequestException("request must not be null");
    }
    List<String> notes = new ArrayList<>();
    Blend b = blend(queryText(request, prompt), true);
    List<ScoredModel> ranked = new ArrayList<>();
    for (int idx : top(b.probabilities(), topK)) {
      double p = b.probabilities()[idx] * b.safeShare();
      ranked.add(new ScoredModel(vocabulary.card(idx), Math.min(1.0, Math.max(0.0, p))));
    }
    if (allowed != null) {
      notes.add("restricted to " + (allowedMeaning != null ? allowedMeaning : allowed.size() + " allowed models"));
    }
    if (architecture != null) {
      notes.add("restricted to " + architecture.label() + " models");
    }
    if (safeMode) {
      notes.add("safe mode: models tagged explicit are left out" + (b.safeShare() < 0.995 ? String.format(
          Locale.ROOT, " (they held %.0f%% of the probability; the probabilities shown are of all models)",
          100 * (1 - b.safeShare())) : ""));
    }
    return new ModelChoice(ranked, notes);
  }

  /**
   * The text a request is scored on: the user's turns without the phrases that ask for generation
   * settings ({@link SettingPhrases}), then the rewritten prompt unless the chat already contains
   * it. The rewritten prompt is tag-style text close to the remembered train prompts, so it finds
   * better neighbours than the chat alone; calibration must score held-out chats on the same text.
   */
  public static String queryText(ChatRequest request, @Nullable RewrittenPrompt prompt) {
    // "seed 42" or "DPM++ 2M Karras" say nothing about which checkpoint suits the picture
    String text = SettingPhrases.without(request.userText());
    if (prompt != null && !prompt.prompt().isBlank() && !text.contains(prompt.prompt().strip())) {
      text = text + "\n" + prompt.prompt();
    }
    return text;
  }

  /**
   * The blended probability of every token for a text (zero for excluded models); sums to 1 over
   * the eligible ones.
   *
   * @throws InvalidRequestException when the text is blank or too long
   */
  public double[] probabilities(String text) {
    return blend(text, false).probabilities();
  }

  /**
   * A text's probabilities over the eligible models, and the share of the probability that safe
   * mode leaves with the eligible models: 1 without safe mode, else the eligible models' mass when
   * the explicit ones may be chosen too. A safe choice's probability times that share is the
   * chance that it is the model a request like this one was made with: on held-out chats-train
   * (shipped calibration, safe mode) the Brier score of the choice's probability against the gold
   * model was 0.2025 renormalised over the safe models and 0.1994 so scaled.
   */
  private record Blend(double[] probabilities, double safeShare) {}

  /** With {@code safeShare} false the share is not computed (1): it costs a second neighbour search. */
  private Blend blend(String text, boolean safeShare) {
    if (text == null || text.isBlank()) {
      throw new InvalidRequestException("cannot select a model for an empty text: describe the image");
    }
    if (text.length() > HashedTextEncoder.MAX_CHARS) {
      throw new InvalidRequestException("the text has " + text.length() + " characters; at most "
          + HashedTextEncoder.MAX_CHARS + " are accepted: shorten it");
    }
    float[] e = encoder.encode(text);
    float[] logits;
    try (NDManager sub = manager.newSubManager()) {
      NDArray q = sub.create(e, new Shape(e.length, 1));
      NDArray s = tokens.matMul(q);
      s.attach(sub);
      logits = s.toFloatArray();
    }
    SparseVector f = featurizer.features(text);
    double[] named = calibration.nameWeight() == 0 ? new double[logits.length] : names.scores(text);
    double[] p = blend(logits, f, named, eligible, allEligible);
    if (eligibleWithExplicit == null || !safeShare) {
      return new Blend(p, 1.0);
    }
    double[] withExplicit = blend(logits, f, named, eligibleWithExplicit, onlySafeMode);
    double share = 0;
    for (int i = 0; i < withExplicit.length; i++) {
      share += eligible[i] ? withExplicit[i] : 0;
    }
    return new Blend(p, share);
  }

  /** The calibration's blend over the models of {@code mask}; the neighbour vote hears only theirs. */
  private double[] blend(float[] logits, SparseVector f, double[] named, boolean[] mask, boolean all) {
    int m = logits.length;
    Map<Long, Double> vote = f.size() == 0 || calibration.neighbourWeight() == 0 ? Map.of()
        : all ? memory.vote(f, calibration.neighbours(), calibration.similarityPower())
        : memory.vote(f, calibration.neighbours(), calibration.similarityPower(), id -> {
          int idx = vocabulary.indexOf(id).orElse(-1);
          return idx >= 0 && mask[idx];
        });
    double total = 0;
    double[] shares = new double[m];
    for (Map.Entry<Long, Double> en : vote.entrySet()) {
      int idx = vocabulary.indexOf(en.getKey()).orElse(-1);
      if (idx >= 0 && mask[idx]) {
        shares[idx] = en.getValue();
        total += en.getValue();
      }
    }
    if (total > 0) {
      for (int i = 0; i < m; i++) {
        shares[i] /= total;
      }
    }
    return calibration.blend(logits, shares, logPrior, named, mask);
  }

  /** The indices of the k largest positive entries, best first (ties: lower index first). */
  private static int[] top(double[] p, int k) {
    int[] best = new int[Math.min(k, p.length)];
    int filled = 0;
    for (int i = 0; i < p.length; i++) {
      if (!(p[i] > 0) || (filled == best.length && p[i] <= p[best[filled - 1]])) {
        continue;
      }
      int j = filled < best.length ? filled++ : filled - 1;
      while (j > 0 && p[best[j - 1]] < p[i]) {
        best[j] = best[j - 1];
        j--;
      }
      best[j] = i;
    }
    return java.util.Arrays.copyOf(best, filled);
  }

  /**
   * A new selector whose vocabulary also holds {@code models} (zero-shot from the card, or few-shot
   * from example prompts, which also join the neighbour memory, as does each card's
   * {@link NewModel#factsText}); this selector is unchanged and stays open. Restrictions carry
   * over; when an allow-list is set, the new models join it.
   */
  public ModelTokenSelector expand(List<NewModel> models, ModelTokenTrainer trainer) {
    return expandedSettings(models, trainer).build();
  }

  /** The settings of {@link #expand}'s selector, for a caller that changes them before building. */
  private Builder expandedSettings(List<NewModel> models, ModelTokenTrainer trainer) {
    ModelTokenVocabulary bigger = trainer.expand(vocabulary, models, encoder);
    List<SparseVector> vecs = new ArrayList<>();
    List<Long> ids = new ArrayList<>();
    for (NewModel nm : models) {
      for (String ex : nm.examples()) {
        vecs.add(featurizer.features(ex));
        ids.add(nm.card().id());
      }
      vecs.add(featurizer.features(NewModel.factsText(nm.card())));
      ids.add(nm.card().id());
    }
    Builder b = copySettings().optVocabulary(bigger).optMemory(memory.withAdded(vecs, ids));
    if (allowed != null) {
      Set<Long> more = new HashSet<>(allowed);
      models.forEach(nm -> more.add(nm.card().id()));
      b.optAllowedModels(more);
    }
    return b;
  }

  /**
   * A new selector that chooses only installed models: the vocabulary's models whose checkpoint is
   * installed, and the installed checkpoints the vocabulary does not know, added zero-shot from
   * the cards made for them ({@link #expand}; a file name is all that is known of them). The whole
   * vocabulary is searched, not only this selector's top-k. An allow-list already set still
   * applies. This selector is unchanged and stays open; the new one has its own native memory:
   * close both.
   *
   * @throws ChatGenException when nothing installed is left to choose from
   */
  @Override
  public ModelTokenSelector restrictedTo(InstalledModels installed) {
    InstalledModels.Found found = installed.find(vocabulary.cards());
    List<Long> ids = new ArrayList<>();
    found.known().stream().map(ModelCard::id).filter(id -> allowed == null || allowed.contains(id)).forEach(ids::add);
    found.unknown().forEach(c -> ids.add(c.id()));
    if (ids.isEmpty()) {
      throw new ChatGenException("no model installed in " + installed.where() + " can be chosen: none of the "
          + vocabulary.size() + " models of the vocabulary" + (allowed == null ? "" : " allowed") + " is there, and "
          + "nothing else there can be drawn with; install a model's checkpoint there, or plan without the "
          + "restriction (ChatGen.Builder.restrictToInstalled(false))");
    }
    String meaning = "the " + ids.size() + " models installed in " + installed.where()
        + (found.unknown().isEmpty() ? "" : ", " + found.unknown().size() + " of them added by file name");
    if (found.unknown().isEmpty()) {
      return copySettings().optAllowedModels(ids).allowedMeaning(meaning).build();
    }
    log.info("{} checkpoint(s) in {} are not in the vocabulary; added zero-shot by file name: {}",
        found.unknown().size(), installed.where(), found.unknown().stream().map(ModelCard::name).toList());
    // one selector built, not an expanded one and then its restricted copy
    return expandedSettings(found.unknown().stream().map(NewModel::zeroShot).toList(), ModelTokenTrainer.builder()
        .build()).optAllowedModels(ids).allowedMeaning(meaning).build();
  }

  /** A builder holding this selector's settings and artifacts. */
  public Builder copySettings() {
    Builder b = new Builder().optVocabulary(vocabulary).optEncoder(encoder).optFeaturizer(featurizer)
        .optMemory(memory).optDevice(device).optTopK(topK).optSafeMode(safeMode);
    if (allowed != null) {
      b.optAllowedModels(allowed);
      b.allowedMeaning = allowedMeaning;
    }
    if (architecture != null) {
      b.optBaseArchitecture(architecture);
    }
    b.calibration = calibration;
    return b;
  }

  public ModelTokenVocabulary vocabulary() {
    return vocabulary;
  }

  public NeighbourMemory memory() {
    return memory;
  }

  @Override
  public String describe() {
    VocabularyProvenance p = vocabulary.provenance();
    return "ModelTokenSelector vocabulary v" + p.version() + " (" + vocabulary.size() + " tokens, encoder "
        + p.encoderId() + ", data " + p.dataHash().substring(0, Math.min(12, p.dataHash().length())) + ", seed "
        + p.seed() + "; " + memory.size() + " remembered prompts, " + calibration + ")"
        + (allowedMeaning == null ? "" : ", restricted to " + allowedMeaning);
  }

  @Override
  public void close() {
    manager.close();
  }

  /** Settings; {@code build()} fills what is unset from the shipped starter artifacts. */
  public static final class Builder {
    private @Nullable ModelTokenVocabulary vocabulary;
    private @Nullable TextEncoder encoder;
    private @Nullable HashedTextEncoder featurizer;
    private @Nullable NeighbourMemory memory;
    private @Nullable Calibration calibration;
    private Device device = Device.cpu();
    private int topK = 5;
    private boolean safeMode = true;
    private @Nullable Collection<Long> allowed;
    private @Nullable String allowedMeaning;
    private @Nullable BaseArchitecture architecture;

    private Builder() {}

    /** The tokens (default: the shipped starter vocabulary). */
    public Builder optVocabulary(ModelTokenVocabulary v) {
      this.vocabulary = v;
      return this;
    }

    /** The frozen encoder the vocabulary was trained on (default: the embedded one). */
    public Builder optEncoder(TextEncoder e) {
      this.encoder = e;
      return this;
    }

    /** The hashed featurizer of the neighbour memory (default: the embedded encoder). */
    public Builder optFeaturizer(HashedTextEncoder f) {
      this.featurizer = f;
      return this;
    }

    /** Remembered prompts (default: the shipped memory when the vocabulary is the starter, else empty). */
    public Builder optMemory(NeighbourMemory m) {
      this.memory = m;
      return this;
    }

    /** Overrides the vocabulary's calibration. */
    public Builder optCalibration(Calibration c) {
      this.calibration = c;
      return this;
    }

    /** Where the token matrix lives (default CPU). */
    public Builder optDevice(Device d) {
      this.device = d;
      return this;
    }

    /** How many models a choice lists (default 5). */
    public Builder optTopK(int k) {
      this.topK = k;
      return this;
    }

    /** Leave out models tagged explicit (default true). */
    public Builder optSafeMode(boolean on) {
      this.safeMode = on;
      return this;
    }

    /** Only these model ids (e.g. the checkpoints installed locally); unknown ids are an error. */
    public Builder optAllowedModels(Collection<Long> modelIds) {
      this.allowed = List.copyOf(modelIds);
      this.allowedMeaning = null;
      return this;
    }

    /** What the allow-list just set stands for, which {@code describe()} says. */
    private Builder allowedMeaning(String meaning) {
      this.allowedMeaning = meaning;
      return this;
    }

    /** Only models of this base architecture. */
    public Builder optBaseArchitecture(BaseArchitecture a) {
      this.architecture = a;
      return this;
    }

    /**
     * Builds the selector.
     *
     * @throws InvalidRequestException on bad settings or when the restrictions leave no model
     * @throws io.chatgen.core.ModelLoadException when the encoder does not match the vocabulary
     */
    public ModelTokenSelector build() {
      if (topK < 1) {
        throw new InvalidRequestException("topK must be >= 1, was " + topK);
      }
      if (device == null) {
        throw new InvalidRequestException("device must not be null");
      }
      ModelTokenVocabulary v = vocabulary;
      NeighbourMemory mem = memory;
      if (v == null) {
        StarterArtifacts s = StarterArtifacts.load();
        v = s.vocabulary();
        if (mem == null) {
          mem = s.memory();
        }
      }
      HashedTextEncoder f = featurizer == null ? HashedTextEncoder.embedded() : featurizer;
      TextEncoder e = encoder == null ? HashedTextEncoder.embedded() : encoder;
      try {
        return new ModelTokenSelector(this, v, e, f, mem == null ? NeighbourMemory.empty() : mem);
      } catch (ChatGenException ex) {
        throw ex;
      } catch (RuntimeException ex) {
        throw new ChatGenException("cannot create the ModelToken selector on " + device + ": " + ex.getMessage(), ex);
      }
    }
  }
}
