package io.chatgen.core.pipeline;

import io.chatgen.core.ChatGenException;
import io.chatgen.core.ChatRequest;
import io.chatgen.core.ConfiguredParams;
import io.chatgen.core.GeneratedImage;
import io.chatgen.core.GenerationPlan;
import io.chatgen.core.InvalidRequestException;
import io.chatgen.core.MissingStageException;
import io.chatgen.core.ModelChoice;
import io.chatgen.core.RewrittenPrompt;
import io.chatgen.core.Stage;
import io.chatgen.core.spi.DeviceSpec;
import io.chatgen.core.spi.ImageGeneratorProvider;
import io.chatgen.core.spi.ModelSelectorProvider;
import io.chatgen.core.spi.ParamConfiguratorProvider;
import io.chatgen.core.spi.PromptRewriterProvider;
import io.chatgen.core.spi.StageContext;
import io.chatgen.core.stage.DenoisingProgress;
import io.chatgen.core.stage.Described;
import io.chatgen.core.stage.ImageGenerator;
import io.chatgen.core.stage.InstalledModels;
import io.chatgen.core.stage.ModelSelector;
import io.chatgen.core.stage.ParamConfigurator;
import io.chatgen.core.stage.PromptRewriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ChatGen pipeline: rewrite the chat into a prompt, select a model, configure parameters,
 * render. Built fluently; any stage can be the caller's own implementation or a lambda, and the
 * stages not given are discovered with {@link ServiceLoader} from the stage modules on the
 * classpath.
 *
 * <pre>{@code
 * ChatGen chatGen = ChatGen.builder().build();            // all defaults from the classpath
 * GenerationPlan plan = chatGen.plan(ChatRequest.of("a girl reading in a rainy cafe"));
 * GeneratedImage image = chatGen.generate(plan);
 * }</pre>
 *
 * <p>When the generator draws only installed models ({@link ImageGenerator#installedModels()}, e.g.
 * a folder of checkpoints), the selector is restricted to them at build time
 * ({@link ModelSelector#restrictedTo}; {@link Builder#restrictToInstalled} turns that off), so that
 * a plan never names a model the generator would refuse.
 *
 * <p>Thread-safety: a {@code ChatGen} holds no per-request state and may be shared by many
 * threads as long as its stages and listener are thread-safe; the embedded default stages are.
 * Image generators may serialise renders internally.
 */
public final class ChatGen implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ChatGen.class);

  private final PromptRewriter rewriter;
  private final ModelSelector selector;
  private final ParamConfigurator configurator;
  private final @Nullable ImageGenerator generator;
  private final PipelineListener listener;
  private final Map<Stage, String> provenance;
  /** Stages this pipeline replaced but still closes (the selector before its restriction). */
  private final List<Object> replaced;

  private ChatGen(Builder b, PromptRewriter rewriter, ModelSelector selector,
      ParamConfigurator configurator, @Nullable ImageGenerator generator, Map<Stage, String> provenance,
      List<Object> replaced) {
    this.rewriter = rewriter;
    this.selector = selector;
    this.configurator = configurator;
    this.generator = generator;
    this.listener = b.listener;
    this.provenance = Map.copyOf(provenance);
    this.replaced = List.copyOf(replaced);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Plans a request without rendering: prompt, model, parameters, with provenance and timings.
   *
   * @throws ChatGenException from any stage, or when a stage breaks its contract (returns null)
   */
  public GenerationPlan plan(ChatRequest request) {
    if (request == null) {
      throw new InvalidRequestException("request must not be null");
    }
    Map<Stage, Duration> timings = new EnumMap<>(Stage.class);
    List<String> notes = new ArrayList<>();
    RewrittenPrompt prompt = timed(Stage.REWRITE, timings, () -> rewriter.rewrite(request));
    ModelChoice choice = timed(Stage.SELECT, timings, () -> selector.select(request, prompt));
    RewrittenPrompt adapted = timed(Stage.REWRITE, timings, () -> rewriter.adaptToModel(prompt, choice.model()));
    // the configurator hears the prompt as the selector did: the chosen model's trigger words and
    // habitual tags would make its own demonstrations look like the request, right choice or not
    ConfiguredParams params = timed(Stage.CONFIGURE, timings, () -> configurator.configure(request, prompt, choice));
    notes.addAll(adapted.notes());
    notes.addAll(choice.notes());
    return new GenerationPlan(request, adapted, choice, params, provenance, timings, notes);
  }

  /** Plans and renders a request. */
  public GeneratedImage generate(ChatRequest request) {
    return generate(plan(request));
  }

  /**
   * Renders a plan (possibly edited by the caller, e.g. with other parameters).
   *
   * @throws MissingStageException when the pipeline has no image generator
   */
  public GeneratedImage generate(GenerationPlan plan) {
    ImageGenerator g = generator().orElseThrow(() -> new MissingStageException(
        "no ImageGenerator: add chatgen-diffusion to the classpath or pass one to ChatGen.builder().generator(..)"));
    DenoisingProgress progress = new DenoisingProgress() {
      @Override
      public void onStep(int step, int totalSteps) {
        listener.onStep(step, totalSteps);
      }

      @Override
      public boolean isCancelled() {
        return listener.isCancelled();
      }
    };
    Map<Stage, Duration> timings = new EnumMap<>(Stage.class);
    timings.putAll(plan.timings());
    return timed(Stage.GENERATE, timings, () -> g.generate(plan, progress));
  }

  /** The image generator, if the classpath or the caller provided one. */
  public Optional<ImageGenerator> generator() {
    return Optional.ofNullable(generator);
  }

  public PromptRewriter rewriter() {
    return rewriter;
  }

  public ModelSelector selector() {
    return selector;
  }

  public ParamConfigurator configurator() {
    return configurator;
  }

  /** Which component runs each stage, as recorded in every plan. */
  public Map<Stage, String> provenance() {
    return provenance;
  }

  private <T> T timed(Stage stage, Map<Stage, Duration> timings, Supplier<T> work) {
    listener.onStageStart(stage);
    long t0 = System.nanoTime();
    T result = work.get();
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    timings.merge(stage, took, Duration::plus);
    listener.onStageEnd(stage, took);
    if (result == null) {
      throw new ChatGenException("the " + stage + " stage (" + provenance.get(stage) + ") returned null");
    }
    return result;
  }

  /**
   * A builder holding this pipeline's stages and listener, to derive a variant (another
   * selector, a listener) without loading the other stages again. The variant shares the stages:
   * close only one of the two pipelines, or each stage once yourself. Its selector is this
   * pipeline's, already restricted to the installed models where that applies, so the builder
   * does not restrict it again ({@link Builder#restrictToInstalled}).
   */
  public Builder toBuilder() {
    Builder b = new Builder().rewriter(rewriter).selector(selector).configurator(configurator).listener(listener)
        .restrictToInstalled(false);
    b.replaced.addAll(replaced);
    if (generator != null) {
      b.generator(generator);
    } else {
      b.withoutGenerator();
    }
    return b;
  }

  /** Closes the stages that own native resources (models, engines). */
  @Override
  public void close() {
    List<Object> stages = new ArrayList<>(List.of(rewriter, selector, configurator));
    if (generator != null) {
      stages.add(generator);
    }
    stages.addAll(replaced);
    closeAll(stages);
  }

  private static void closeAll(List<?> stages) {
    for (Object stage : stages) {
      if (stage instanceof AutoCloseable c) {
        try {
          c.close();
        } catch (Exception e) {
          log.warn("closing {} failed", stage, e);
        }
      }
    }
  }

  /** Builds a pipeline; stages not given are discovered on the classpath in {@link #build()}. */
  public static final class Builder {
    private @Nullable PromptRewriter rewriter;
    private @Nullable ModelSelector selector;
    private @Nullable ParamConfigurator configurator;
    private @Nullable ImageGenerator generator;
    private boolean discoverGenerator = true;
    private PipelineListener listener = PipelineListener.NONE;
    private DeviceSpec device = DeviceSpec.auto();
    private final Map<String, String> options = new HashMap<>();
    private ClassLoader classLoader = Thread.currentThread().getContextClassLoader();
    private boolean restrictToInstalled = true;
    private final List<Object> replaced = new ArrayList<>();

    private Builder() {}

    public Builder rewriter(PromptRewriter r) {
      this.rewriter = r;
      return this;
    }

    public Builder selector(ModelSelector s) {
      this.selector = s;
      return this;
    }

    public Builder configurator(ParamConfigurator c) {
      this.configurator = c;
      return this;
    }

    public Builder generator(ImageGenerator g) {
      this.generator = g;
      return this;
    }

    /** Plans only: do not look for an image generator on the classpath. */
    public Builder withoutGenerator() {
      this.generator = null;
      this.discoverGenerator = false;
      return this;
    }

    public Builder listener(PipelineListener l) {
      this.listener = l;
      return this;
    }

    /** Where discovered DJL-backed stages compute; default: GPU if present, else CPU. */
    public Builder device(DeviceSpec d) {
      this.device = d;
      return this;
    }

    /** A setting passed to discovered stages (e.g. "models.dir" for local checkpoints). */
    public Builder option(String key, String value) {
      options.put(key, value);
      return this;
    }

    /**
     * Whether model selection is restricted to the models the generator has installed, when it
     * draws only those ({@link ImageGenerator#installedModels()}, e.g. a models folder); default
     * true. Turn it off to plan with every model the selector knows, e.g. to learn which
     * checkpoint to download.
     */
    public Builder restrictToInstalled(boolean restrict) {
      this.restrictToInstalled = restrict;
      return this;
    }

    /** The class loader to discover stages with (default: the thread's context loader). */
    public Builder classLoader(ClassLoader loader) {
      this.classLoader = loader;
      return this;
    }

    /**
     * Builds the pipeline.
     *
     * @throws MissingStageException naming the stage and the module to add when a planning stage
     *     is neither given nor on the classpath
     */
    public ChatGen build() {
      if (listener == null || device == null) {
        throw new InvalidRequestException("listener and device must not be null");
      }
      StageContext ctx = new StageContext(device, options);
      Map<Stage, String> prov = new EnumMap<>(Stage.class);
      // the stages this build creates: a later stage that fails (a bad option, nothing installed
      // to choose from) must not leave the earlier ones holding their models and native memory
      List<Object> created = new ArrayList<>();
      try {
        PromptRewriter r = pick(Stage.REWRITE, rewriter, PromptRewriterProvider.class,
            PromptRewriterProvider::priority, p -> p.create(ctx), PromptRewriterProvider::name, "chatgen-core", prov,
            created);
        ModelSelector s = pick(Stage.SELECT, selector, ModelSelectorProvider.class,
            ModelSelectorProvider::priority, p -> p.create(ctx), ModelSelectorProvider::name, "chatgen-modeltoken", prov,
            created);
        ParamConfigurator c = pick(Stage.CONFIGURE, configurator, ParamConfiguratorProvider.class,
            ParamConfiguratorProvider::priority, p -> p.create(ctx), ParamConfiguratorProvider::name, "chatgen-params",
            prov, created);
        ImageGenerator g = generator;
        if (g == null && discoverGenerator) {
          // a provider returns null when it has nothing to draw with (no checkpoint installed):
          // ask the next one, so that e.g. an embedded demo model still answers
          for (ImageGeneratorProvider p : discover(ImageGeneratorProvider.class, ImageGeneratorProvider::priority)) {
            g = p.create(ctx);
            if (g != null) {
              created.add(g);
              break;
            }
          }
        }
        if (g != null) {
          prov.put(Stage.GENERATE, describe(g));
        }
        List<Object> closeAlso = new ArrayList<>(replaced);
        Optional<InstalledModels> installed = g == null || !restrictToInstalled ? Optional.empty() : g.installedModels();
        if (installed.isPresent()) {
          ModelSelector restricted = s.restrictedTo(installed.get());
          if (restricted != s) {
            // the restricted selector may use the original (or be a new one): the pipeline closes both
            created.add(restricted);
            closeAlso.add(s);
            s = restricted;
            prov.put(Stage.SELECT, describe(s));
          }
        }
        return new ChatGen(this, r, s, c, g, prov, closeAlso);
      } catch (RuntimeException | Error e) {
        closeAll(created);
        throw e;
      }
    }

    /** The given stage, else the first one a provider creates (added to {@code created}). */
    private <S, P> S pick(Stage stage, @Nullable S given, Class<P> providerType, ToIntFunction<P> priority,
        Function<P, S> create, Function<P, String> name, String module, Map<Stage, String> prov,
        List<Object> created) {
      S stageImpl = given;
      if (stageImpl == null) {
        List<P> providers = discover(providerType, priority);
        if (providers.isEmpty()) {
          throw new MissingStageException("no " + stage + " stage: pass one to ChatGen.builder() or add " + module
              + " to the classpath (no " + providerType.getSimpleName() + " found)");
        }
        for (P provider : providers) {
          stageImpl = create.apply(provider);
          if (stageImpl != null) {
            created.add(stageImpl);
            log.debug("using {} for {}", name.apply(provider), stage);
            break;
          }
        }
        if (stageImpl == null) {
          throw new MissingStageException("no " + stage + " stage: the providers on the classpath ("
              + providers.stream().map(name).collect(java.util.stream.Collectors.joining(", "))
              + ") created none");
        }
      }
      prov.put(stage, describe(stageImpl));
      return stageImpl;
    }

    /** The providers of a type on the class path, highest priority first. */
    private <P> List<P> discover(Class<P> type, ToIntFunction<P> priority) {
      List<P> found = new ArrayList<>();
      ServiceLoader.load(type, classLoader).forEach(found::add);
      found.sort(Comparator.comparingInt(priority).reversed());
      return found;
    }

    private static String describe(Object stage) {
      if (stage instanceof Described d) {
        return d.describe();
      }
      Class<?> c = stage.getClass();
      return c.isSynthetic() || c.getSimpleName().contains("$$Lambda")
          ? "custom stage (lambda)" : c.getName();
    }
  }
}
