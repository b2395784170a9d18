package io.chatgen.diffusion.generate;

import io.chatgen.core.BaseArchitecture;
import io.chatgen.core.ChatRequest;
import io.chatgen.core.ChatTurn;
import io.chatgen.core.ConfiguredParams;
import io.chatgen.core.ChatGenException;
import io.chatgen.core.GeneratedImage;
import io.chatgen.core.GenerationParams;
import io.chatgen.core.GenerationPlan;
import io.chatgen.core.InvalidRequestException;
import io.chatgen.core.ModelCard;
import io.chatgen.core.ModelFile;
import io.chatgen.core.ModelLoadException;
import io.chatgen.core.ReferenceImage;
import io.chatgen.core.RewrittenPrompt;
import io.chatgen.core.Sampler;
import io.chatgen.core.spi.DeviceSpec;
import io.chatgen.core.stage.DenoisingProgress;
import io.chatgen.core.stage.Described;
import io.chatgen.core.stage.ImageGenerator;
import io.chatgen.core.stage.InstalledModels;
import io.chatgen.diffusion.checkpoint.CheckpointResolver;
import io.chatgen.diffusion.checkpoint.InstalledCheckpoints;
import io.chatgen.diffusion.checkpoint.ResolvedCheckpoint;
import io.chatgen.diffusion.conditioning.Conditioning;
import io.chatgen.diffusion.conditioning.PromptConditioner;
import io.chatgen.diffusion.sampling.DiffusionSampler;
import io.chatgen.diffusion.sampling.NoiseSchedule;
import io.chatgen.diffusion.sampling.NoiseSource;
import io.chatgen.diffusion.sampling.SamplingJob;
import io.chatgen.diffusion.tokenizer.ClipTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renders a {@link GenerationPlan} with a Stable Diffusion 1.x checkpoint on DJL.
 *
 * <p>Per request: the checkpoint is resolved for {@code plan.model()} in the models folder (by
 * hash, else by file name), or the explicitly configured checkpoint is used (with a note in the
 * result when it is not the chosen model); the prompt and negative prompt are conditioned as A1111
 * does (weights, BREAK, 75-token chunks, clip skip); the latents start from
 * {@code java.util.Random(seed)} Gaussians (then the same generator feeds ancestral/SDE noise), so
 * the same plan gives the same latents on any machine; the A1111 sampler runs with
 * classifier-free guidance (batch of two); the VAE decodes. With a denoising strength and a
 * reference image in the request, the image is resized to the target size, encoded, and sampling
 * starts part-way as A1111's img2img does. Progress is reported per sampler step; cancelling stops
 * before the next step with a {@link io.chatgen.core.GenerationCancelledException}.
 *
 * <p>The last loaded checkpoint stays in memory until another is needed or {@link #close()}.
 * Thread-safe: requests are serialised (one model computes with all cores, or owns the GPU).
 */
public final class StableDiffusionGenerator implements ImageGenerator, Described, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StableDiffusionGenerator.class);
  /** What renders plans whose sampler is not implemented: the most used multistep ODE sampler. */
  static final Sampler SUBSTITUTE = Sampler.DPMPP_2M_KARRAS;
  /** At most this many characters of a request reach a plain-caption model (its encoder reads 75 tokens). */
  static final int MAX_REQUEST_WORDS = 1000;

  private final @Nullable CheckpointResolver resolver;
  /** What selection must choose from: the folder's checkpoints, when no checkpoint draws every plan. */
  private final @Nullable InstalledCheckpoints installed;
  private final @Nullable Path checkpoint;
  private final @Nullable ModelCard checkpointCard;
  private final @Nullable RenderAt renderAt;
  private final boolean promptFromRequest;
  private final java.util.Set<Sampler> avoidSamplers;
  private final Sampler avoidInstead;
  private final @Nullable Path tokenizerDir;
  private final @Nullable ClipTokenizer tokenizer;
  private final DeviceSpec deviceSpec;
  private final boolean halfPrecision;
  private final boolean substituteSamplers;
  private final NoiseSchedule schedule = NoiseSchedule.stableDiffusion();
  private final java.util.Map<Path, String> explicitHashes = new java.util.HashMap<>();
  private @Nullable Loaded loaded;
  private final DiffusionModel.Loader loader;
  private boolean closed;

  private StableDiffusionGenerator(Builder b) {
    this.resolver = b.modelsDir == null ? null : new CheckpointResolver(b.modelsDir);
    this.checkpoint = b.checkpoint;
    this.installed = resolver == null || checkpoint != null ? null : new InstalledCheckpoints(resolver);
    this.checkpointCard = b.checkpointCard;
    this.renderAt = b.renderAt;
    this.promptFromRequest = b.promptFromRequest;
    this.avoidSamplers = java.util.Set.copyOf(b.avoidSamplers);
    this.avoidInstead = b.avoidInstead;
    this.tokenizerDir = b.tokenizerDir;
    this.tokenizer = b.tokenizer;
    this.deviceSpec = b.device;
    this.halfPrecision = b.halfPrecision;
    this.substituteSamplers = b.substituteSamplers;
    this.loader = b.loader;
  }

  /** A builder; give a models folder, a checkpoint, or both. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The checkpoints of the models folder when they are all this generator draws with (no
   * checkpoint configured for every plan): the pipeline then restricts selection to them.
   */
  @Override
  public Optional<InstalledModels> installedModels() {
    return Optional.ofNullable(installed);
  }

  @Override
  public String describe() {
    String source = checkpoint != null ? "checkpoint " + checkpoint.getFileName()
        : "models folder " + (resolver == null ? "?" : resolver.modelsDir());
    return "StableDiffusionGenerator (DJL PyTorch, " + deviceSpec.kind().name().toLowerCase(Locale.ROOT)
        + ", " + (halfPrecision ? "fp16" : "fp32") + ", " + source + ", samplers "
        + DiffusionSampler.supported().size() + ")";
  }

  @Override
  public synchronized GeneratedImage generate(GenerationPlan requested, DenoisingProgress progress) {
    if (closed) {
      throw new IllegalStateException("this StableDiffusionGenerator is closed");
    }
    long start = System.nanoTime();
    GenerationPlan plan = requested;
    GenerationParams params = plan.generationParams();
    List<String> notes = new ArrayList<>();
    if (substituteSamplers && !DiffusionSampler.supported().contains(params.sampler())) {
      notes.add("sampler " + params.sampler().a1111Name() + " is not implemented here; rendered with "
          + SUBSTITUTE.a1111Name() + " (the image's plan records the sampler actually used)");
      params = params.withSampler(SUBSTITUTE);
      plan = plan.withParams(new ConfiguredParams(params, plan.params().reasons()));
    }
    if (avoidSamplers.contains(params.sampler())) {
      notes.add("sampler " + params.sampler().a1111Name() + " renders badly with this checkpoint; rendered with "
          + avoidInstead.a1111Name() + " (the image's plan records the sampler actually used)");
      params = params.withSampler(avoidInstead);
      plan = plan.withParams(new ConfiguredParams(params, plan.params().reasons()));
    }
    DiffusionSampler sampler = DiffusionSampler.of(params.sampler());
    Target target = target(plan.model(), notes);
    if (promptFromRequest) {
      String words = requestWords(plan.request());
      notes.add(target.drawnWith().name() + " understands plain captions only: it drew from the request's own words (\""
          + words + "\"), not the rewritten prompt");
      plan = new GenerationPlan(plan.request(), new RewrittenPrompt(words, ""), plan.choice(), plan.params(),
          plan.provenance(), plan.timings(), plan.notes());
    }
    if (renderAt != null && (params.width() != renderAt.width() || params.height() != renderAt.height()
        || params.cfgScale() != renderAt.cfgScale())) {
      notes.add(String.format(Locale.ROOT, "drawn at %dx%d with CFG %s, what %s was trained for, instead of the"
          + " planned %dx%d with CFG %s", renderAt.width(), renderAt.height(), trim(renderAt.cfgScale()),
          target.drawnWith().name(), params.width(), params.height(), trim(params.cfgScale())));
      params = new GenerationParams(params.sampler(), params.steps(), renderAt.cfgScale(), params.clipSkip(),
          renderAt.width(), renderAt.height(), params.seed(), params.denoisingStrength());
      plan = plan.withParams(new ConfiguredParams(params, plan.params().reasons()));
    }
    Loaded lc = load(target.file());
    DiffusionModel model = lc.model();
    if (params.clipSkip() > model.textLayers()) {
      throw new InvalidRequestException("clip skip " + params.clipSkip() + " exceeds the "
          + model.textLayers() + " text-encoder layers of " + target.file().getFileName());
    }
    int multiple = model.pixelMultiple();
    if (params.width() % multiple != 0 || params.height() % multiple != 0) {
      throw new InvalidRequestException("this checkpoint needs width and height in multiples of " + multiple
          + " pixels, got " + params.width() + "x" + params.height());
    }
    int latentH = params.height() / model.vaeScaleFactor();
    int latentW = params.width() / model.vaeScaleFactor();
    int n = model.latentChannels() * latentH * latentW;

    Random random = new Random(params.seed());
    double[] initialNoise = NoiseSource.fromRandom(random).next(n);
    NoiseSource stepNoise = NoiseSource.fromRandom(random);
    ReferenceImage init = params.denoisingStrength() == null || plan.request().images().isEmpty()
        ? null : plan.request().images().get(0);
    if (params.denoisingStrength() != null && init == null) {
      notes.add("denoising strength " + params.denoisingStrength()
          + " was set but the request has no reference image: rendered text-to-image");
    }

    int[] rgb;
    try {
      PromptConditioner conditioner = new PromptConditioner(lc.tokenizer(), model.textEncoder(params.clipSkip()));
      Conditioning conditioning = conditioner.condition(plan.prompt().prompt(), plan.prompt().negativePrompt());
      SamplingJob job = init == null
          ? SamplingJob.textToImage(params.steps(), initialNoise)
          : SamplingJob.imageToImage(params.steps(), initialNoise,
              model.encode(ImageTensors.toChw(init, params.width(), params.height()), params.width(), params.height()),
              params.denoisingStrength());
      double[] latents;
      try (DiffusionModel.GuidedUnet unet = model.guidedUnet(conditioning, params.cfgScale(), latentH, latentW)) {
        latents = sampler.sample(unet, schedule, job, stepNoise, progress);
      }
      rgb = model.decode(latents, latentH, latentW);
    } catch (ChatGenException | IllegalStateException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new ChatGenException("Stable Diffusion failed on " + target.file().getFileName() + ": " + e.getMessage(), e);
    }
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    log.debug("rendered {}x{} with {} in {} ms", params.width(), params.height(), sampler, took.toMillis());
    return new GeneratedImage(plan, params.width(), params.height(), rgb, target.drawnWith(), took, notes);
  }

  /** The user's words of a request (earlier user turns, then the message), for plain-caption models. */
  static String requestWords(ChatRequest request) {
    List<String> parts = new ArrayList<>();
    request.history().stream().filter(t -> t.role() == ChatTurn.Role.USER).forEach(t -> parts.add(t.text().strip()));
    parts.add(request.message().strip());
    String words = String.join(", ", parts).replaceAll("\\s+", " ").strip();
    return words.length() <= MAX_REQUEST_WORDS ? words : words.substring(0, MAX_REQUEST_WORDS);
  }

  private static String trim(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }

  /** A fixed size and guidance scale for every plan (a model that knows only one size). */
  private record RenderAt(int width, int height, double cfgScale) {}

  /** The checkpoint file for a card, and the card that describes what draws. */
  private record Target(Path file, ModelCard drawnWith) {}

  private Target target(ModelCard chosen, List<String> notes) {
    if (checkpoint != null) {
      boolean same = chosen.files().stream().anyMatch(mf -> mf.name().equalsIgnoreCase(checkpoint.getFileName().toString()));
      if (!same && resolver != null) {
        Optional<ResolvedCheckpoint> r = resolver.resolve(chosen);
        same = r.isPresent() && sameFile(r.get().file(), checkpoint);
      }
      if (same) {
        return new Target(checkpoint, chosen);
      }
      if (checkpointCard != null) {
        notes.add(checkpointCard.name() + " drew this picture, not the chosen model " + chosen.label()
            + ", whose checkpoint is not configured (see the README: real checkpoints)");
        return new Target(checkpoint, checkpointCard);
      }
      notes.add("rendered with the configured checkpoint " + checkpoint.getFileName()
          + ", not the chosen model " + chosen.label());
      return new Target(checkpoint, explicitCard(checkpoint));
    }
    CheckpointResolver r = java.util.Objects.requireNonNull(resolver);
    ResolvedCheckpoint found = r.resolve(chosen).orElseThrow(() -> new ModelLoadException(
        "the checkpoint of " + chosen.label() + " is not installed in " + r.modelsDir() + ": download "
            + chosen.primaryFile().map(mf -> mf.name() + (mf.autoV2() == null ? "" : " (AutoV2 " + mf.autoV2() + ")"))
                .orElse("its .safetensors file")
            + " into that folder, or configure an explicit checkpoint"));
    if (found.match() == ResolvedCheckpoint.Match.FILE_NAME && found.sha256() != null) {
      notes.add(found.file().getFileName() + " has the chosen model's file name but not its hash; it may be another version");
    }
    return new Target(found.file(), chosen);
  }

  private static boolean sameFile(Path a, Path b) {
    try {
      return Files.isSameFile(a, b);
    } catch (java.io.IOException e) {
      return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
    }
  }

  /** A card for a checkpoint given by path, with its SHA-256 so that its infotext names it. */
  private ModelCard explicitCard(Path file) {
    String sha = explicitHashes.computeIfAbsent(file, io.chatgen.diffusion.checkpoint.CheckpointHashes::sha256);
    String name = file.getFileName().toString();
    String stem = name.endsWith(".safetensors") ? name.substring(0, name.length() - ".safetensors".length()) : name;
    return new ModelCard(0, 0, stem, BaseArchitecture.SD_1, BaseArchitecture.SD_1.label(), List.of(), List.of(), "",
        List.of(new ModelFile(name, 0, "Model", "SafeTensor", null, sha, null)), false, null);
  }

  /** The model held between requests, with the tokenizer that goes with it. */
  private record Loaded(Path file, DiffusionModel model, ClipTokenizer tokenizer) {}

  private Loaded load(Path file) {
    Loaded current = loaded;
    if (current != null && current.file().equals(file)) {
      return current;
    }
    if (current != null) {
      loaded = null;
      current.model().close();
    }
    ClipTokenizer tok = tokenizer != null ? tokenizer : ClipTokenizer.load(findTokenizer(file));
    DiffusionModel model = loader.load(file, deviceSpec, halfPrecision);
    if (tok.vocabSize() > model.vocabSize()) {
      model.close();
      throw new ModelLoadException("the tokenizer has " + tok.vocabSize() + " tokens but " + file.getFileName()
          + " embeds only " + model.vocabSize() + "; use the tokenizer that belongs to this checkpoint");
    }
    Loaded l = new Loaded(file, model, tok);
    loaded = l;
    return l;
  }

  /** vocab.json + merges.txt: the configured folder, next to the checkpoint, or in the models folder. */
  private Path findTokenizer(Path file) {
    List<Path> candidates = new ArrayList<>();
    if (tokenizerDir != null) {
      candidates.add(tokenizerDir);
    }
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      candidates.add(parent);
    }
    if (resolver != null) {
      candidates.add(resolver.modelsDir());
    }
    for (Path c : candidates) {
      if (Files.isRegularFile(c.resolve("vocab.json")) || Files.isRegularFile(c.resolve("tokenizer/vocab.json"))) {
        return c;
      }
    }
    throw new ModelLoadException("no CLIP tokenizer (vocab.json + merges.txt) in " + candidates
        + "; copy the tokenizer folder of an SD 1.5 model (openai/clip-vit-large-patch14) next to the checkpoint"
        + " or configure its folder");
  }

  /** Frees the loaded model. Idempotent. */
  @Override
  public synchronized void close() {
    closed = true;
    Loaded current = loaded;
    loaded = null;
    if (current != null) {
      current.model().close();
    }
  }

  /** Configures a {@link StableDiffusionGenerator}. */
  public static final class Builder {
    private @Nullable Path modelsDir;
    private @Nullable Path checkpoint;
    private @Nullable ModelCard checkpointCard;
    private @Nullable RenderAt renderAt;
    private boolean promptFromRequest;
    private java.util.Set<Sampler> avoidSamplers = java.util.Set.of();
    private Sampler avoidInstead = SUBSTITUTE;
    private @Nullable Path tokenizerDir;
    private @Nullable ClipTokenizer tokenizer;
    private DeviceSpec device = DeviceSpec.auto();
    private boolean halfPrecision;
    private boolean substituteSamplers = true;
    private DiffusionModel.Loader loader = DjlDiffusionModel::load;

    private Builder() {}

    /** Substitutes the model implementation (tests). */
    Builder loader(DiffusionModel.Loader l) {
      this.loader = l;
      return this;
    }

    /** The folder of installed {@code .safetensors} checkpoints, searched for each plan's model. */
    public Builder modelsDir(Path dir) {
      this.modelsDir = dir;
      return this;
    }

    /** One checkpoint used for every plan (noted in the result when it is not the chosen model). */
    public Builder checkpoint(Path file) {
      this.checkpoint = file;
      return this;
    }

    /**
     * One checkpoint used for every plan, with the card that says what it is (the result's
     * {@code drawnWith} and the note name it instead of the file).
     */
    public Builder checkpoint(Path file, ModelCard card) {
      this.checkpoint = file;
      this.checkpointCard = card;
      return this;
    }

    /**
     * Renders every plan at this size and guidance scale, with a note when the plan asked for others:
     * for a model trained at one size only, such as the embedded tiny model.
     *
     * @throws InvalidRequestException when a side is not positive or the scale is not finite
     */
    public Builder renderAt(int width, int height, double cfgScale) {
      if (width <= 0 || height <= 0 || !Double.isFinite(cfgScale) || cfgScale < 0) {
        throw new InvalidRequestException("renderAt needs a positive size and a finite, non-negative CFG scale, got "
            + width + "x" + height + " CFG " + cfgScale);
      }
      this.renderAt = new RenderAt(width, height, cfgScale);
      return this;
    }

    /**
     * Draws from the request's own words (the user's turns, then the message; no negative prompt)
     * instead of the rewritten prompt, with a note: for a model trained on plain captions, such as
     * the embedded tiny model, which community tags would only confuse.
     */
    public Builder promptFromRequest(boolean fromRequest) {
      this.promptFromRequest = fromRequest;
      return this;
    }

    /**
     * Samplers the checkpoint renders badly with (the embedded tiny model and LMS, for one): plans
     * asking for them render with DPM++ 2M Karras and a note.
     */
    public Builder avoidSamplers(java.util.Set<Sampler> samplers) {
      return avoidSamplers(samplers, SUBSTITUTE);
    }

    /**
     * Samplers the checkpoint renders badly with: plans asking for them render with {@code instead}
     * (one the checkpoint renders well with, implemented here) and a note.
     */
    public Builder avoidSamplers(java.util.Set<Sampler> samplers, Sampler instead) {
      if (samplers.contains(instead) || !DiffusionSampler.supported().contains(instead)) {
        throw new InvalidRequestException("the sampler used instead of the avoided ones must be implemented and not"
            + " avoided itself, was " + instead.a1111Name() + " for " + samplers);
      }
      this.avoidSamplers = java.util.Set.copyOf(samplers);
      this.avoidInstead = instead;
      return this;
    }

    /** The folder holding {@code vocab.json} and {@code merges.txt} (default: next to the checkpoint, then the models folder). */
    public Builder tokenizerDir(Path dir) {
      this.tokenizerDir = dir;
      return this;
    }

    /** A tokenizer already loaded (overrides {@link #tokenizerDir}). */
    public Builder tokenizer(ClipTokenizer t) {
      this.tokenizer = t;
      return this;
    }

    /** Where to compute (default: the first GPU if the engine sees one, else the CPU). */
    public Builder device(DeviceSpec d) {
      this.device = d;
      return this;
    }

    /**
     * Whether a plan whose sampler is not implemented (DPM fast, DPM adaptive) renders
     * with DPM++ 2M Karras and a note (default), or fails with the list of supported samplers.
     */
    public Builder substituteUnsupportedSamplers(boolean substitute) {
      this.substituteSamplers = substitute;
      return this;
    }

    /** Half-precision weights and compute (GPU only; on the CPU the model computes in float32). */
    public Builder halfPrecision(boolean half) {
      this.halfPrecision = half;
      return this;
    }

    /**
     * @throws InvalidRequestException when neither a models folder nor a checkpoint is given, or
     *     a given path does not exist
     */
    public StableDiffusionGenerator build() {
      if (modelsDir == null && checkpoint == null) {
        throw new InvalidRequestException("give a models folder or a checkpoint file");
      }
      if (checkpoint != null && !Files.isRegularFile(checkpoint)) {
        throw new InvalidRequestException("checkpoint " + checkpoint + " does not exist or is not a file");
      }
      if (tokenizerDir != null && !Files.isDirectory(tokenizerDir)) {
        throw new InvalidRequestException("tokenizer folder " + tokenizerDir + " does not exist");
      }
      if (device == null) {
        throw new InvalidRequestException("device must not be null");
      }
      return new StableDiffusionGenerator(this);
    }
  }
}
