package io.chatgen.bench.eval;

import io.chatgen.core.Stage;
import io.chatgen.core.spi.ImageGeneratorProvider;
import io.chatgen.core.spi.ModelSelectorProvider;
import io.chatgen.core.spi.ParamConfiguratorProvider;
import io.chatgen.core.spi.PromptRewriterProvider;
import io.chatgen.core.spi.StageContext;
import io.chatgen.core.stage.Described;
import io.chatgen.core.stage.ImageGenerator;
import io.chatgen.core.stage.ModelSelector;
import io.chatgen.core.stage.ParamConfigurator;
import io.chatgen.core.stage.PromptRewriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stages the benchmark evaluates, each present or absent. Discovered the way
 * {@link io.chatgen.core.pipeline.ChatGen.Builder} discovers them (the highest-priority provider
 * on the classpath), except that a stage whose provider is missing, cannot be loaded or fails to
 * create its stage is recorded as absent with the reason instead of failing the run.
 *
 * <p>Closing closes the stages that own resources.
 */
public final class PipelineStages implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PipelineStages.class);

  private final @Nullable PromptRewriter rewriter;
  private final @Nullable ModelSelector selector;
  private final @Nullable ParamConfigurator configurator;
  private final @Nullable ImageGenerator generator;
  private final Map<Stage, String> provenance;
  private final Map<Stage, String> absent;

  private PipelineStages(@Nullable PromptRewriter rewriter, @Nullable ModelSelector selector,
      @Nullable ParamConfigurator configurator, @Nullable ImageGenerator generator,
      Map<Stage, String> provenance, Map<Stage, String> absent) {
    this.rewriter = rewriter;
    this.selector = selector;
    this.configurator = configurator;
    this.generator = generator;
    this.provenance = Collections.unmodifiableMap(new EnumMap<>(provenance));
    this.absent = Collections.unmodifiableMap(absent.isEmpty() ? new EnumMap<>(Stage.class) : new EnumMap<>(absent));
  }

  /**
   * Given stages (e.g. the caller's own); a null stage is absent.
   */
  public static PipelineStages of(@Nullable PromptRewriter rewriter, @Nullable ModelSelector selector,
      @Nullable ParamConfigurator configurator, @Nullable ImageGenerator generator) {
    Map<Stage, String> prov = new EnumMap<>(Stage.class);
    Map<Stage, String> absent = new EnumMap<>(Stage.class);
    note(Stage.REWRITE, rewriter, prov, absent);
    note(Stage.SELECT, selector, prov, absent);
    note(Stage.CONFIGURE, configurator, prov, absent);
    note(Stage.GENERATE, generator, prov, absent);
    return new PipelineStages(rewriter, selector, configurator, generator, prov, absent);
  }

  private static void note(Stage s, @Nullable Object stage, Map<Stage, String> prov, Map<Stage, String> absent) {
    if (stage == null) {
      absent.put(s, "not given");
    } else {
      prov.put(s, describe(stage));
    }
  }

  /**
   * Discovers the stages on the class path.
   *
   * @param context what providers are told (device, options)
   * @param loader where to look
   * @param wanted the stages to use; the others are reported absent ("not requested")
   */
  public static PipelineStages discover(StageContext context, ClassLoader loader, Set<Stage> wanted) {
    Map<Stage, String> prov = new EnumMap<>(Stage.class);
    Map<Stage, String> absent = new EnumMap<>(Stage.class);
    PromptRewriter r = load(Stage.REWRITE, wanted, PromptRewriterProvider.class, loader,
        PromptRewriterProvider::priority, p -> p.create(context), "chatgen-core (io.chatgen.core.rewrite)", prov, absent);
    ModelSelector s = load(Stage.SELECT, wanted, ModelSelectorProvider.class, loader,
        ModelSelectorProvider::priority, p -> p.create(context), "chatgen-modeltoken", prov, absent);
    ParamConfigurator c = load(Stage.CONFIGURE, wanted, ParamConfiguratorProvider.class, loader,
        ParamConfiguratorProvider::priority, p -> p.create(context), "chatgen-params", prov, absent);
    ImageGenerator g = load(Stage.GENERATE, wanted, ImageGeneratorProvider.class, loader,
        ImageGeneratorProvider::priority, p -> p.create(context), "chatgen-diffusion", prov, absent);
    return new PipelineStages(r, s, c, g, prov, absent);
  }

  private static <P, S> @Nullable S load(Stage stage, Set<Stage> wanted, Class<P> type, ClassLoader loader,
      ToIntFunction<P> priority, Function<P, S> create, String module,
      Map<Stage, String> prov, Map<Stage, String> absent) {
    if (!wanted.contains(stage)) {
      absent.put(stage, "not requested (--stages)");
      return null;
    }
    List<P> found = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    Iterator<P> it = ServiceLoader.load(type, loader).iterator();
    while (true) {
      try {
        if (!it.hasNext()) {
          break;
        }
        found.add(it.next());
      } catch (ServiceConfigurationError | LinkageError e) {
        // a broken provider must not hide a working one, nor crash the benchmark
        problems.add(e.getMessage());
        log.warn("cannot load a {}: {}", type.getSimpleName(), e.toString());
      }
    }
    P best = null;
    for (P p : found) {
      if (best == null || priority.applyAsInt(p) > priority.applyAsInt(best)) {
        best = p;
      }
    }
    if (best == null) {
      absent.put(stage, problems.isEmpty()
          ? "no " + type.getSimpleName() + " on the classpath (add " + module + ")"
          : "provider failed to load: " + problems.get(0));
      return null;
    }
    try {
      S made = create.apply(best);
      if (made == null) {
        absent.put(stage, best.getClass().getName() + " created no stage");
        return null;
      }
      prov.put(stage, describe(made));
      return made;
    } catch (RuntimeException | LinkageError e) {
      log.warn("{} failed to create the {} stage: {}", best.getClass().getName(), stage, e.toString());
      log.debug("stack trace", e);
      absent.put(stage, best.getClass().getName() + " failed: " + e);
      return null;
    }
  }

  private static String describe(Object stage) {
    if (stage instanceof Described d) {
      return d.describe();
    }
    return stage.getClass().getName();
  }

  public @Nullable PromptRewriter rewriter() {
    return rewriter;
  }

  public @Nullable ModelSelector selector() {
    return selector;
  }

  public @Nullable ParamConfigurator configurator() {
    return configurator;
  }

  public @Nullable ImageGenerator generator() {
    return generator;
  }

  /** Whether the three planning stages are all present. */
  public boolean canPlan() {
    return rewriter != null && selector != null && configurator != null;
  }

  /** The stages present, by what runs them. */
  public Map<Stage, String> provenance() {
    return provenance;
  }

  /** The stages absent, with the reason. */
  public Map<Stage, String> absent() {
    return absent;
  }

  /** The stages present. */
  public Set<Stage> present() {
    return provenance.isEmpty() ? EnumSet.noneOf(Stage.class) : EnumSet.copyOf(provenance.keySet());
  }

  @Override
  public void close() {
    for (Object stage : new Object[] {rewriter, selector, configurator, generator}) {
      if (stage instanceof AutoCloseable c) {
        try {
          c.close();
        } catch (Exception e) {
          log.warn("closing {} failed", stage, e);
        }
      }
    }
  }
}
