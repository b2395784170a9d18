package io.chatgen.bench.eval;

import io.chatgen.core.ChatRequest;
import io.chatgen.core.ConfiguredParams;
import io.chatgen.core.GenerationParams;
import io.chatgen.core.GenerationPlan;
import io.chatgen.core.ModelChoice;
import io.chatgen.core.RewrittenPrompt;
import io.chatgen.core.ScoredModel;
import io.chatgen.core.Stage;
import io.chatgen.core.pipeline.ChatGen;
import io.chatgen.core.stage.ModelSelector;
import io.chatgen.core.stage.ParamConfigurator;
import io.chatgen.core.stage.PromptRewriter;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The ChatGen pipeline as the benchmark runs it. With all three planning stages present it is
 * exactly {@link ChatGen#plan}; with some absent, the present stages run in the same order, an
 * absent rewriter replaced by the raw chat text (so that selection and configuration can still be
 * scored) and an absent selector leaving only the gold-model configuration to score.
 *
 * <p>Not thread-safe: one request at a time (the runner is sequential so that latencies are
 * comparable).
 */
public final class PipelineSystem implements EvaluatedSystem {
  /** How many ranked model ids a prediction keeps. */
  public static final int TOP_IDS = 10;

  private final PipelineStages stages;
  private final @Nullable ChatGen chatGen;
  private @Nullable GenerationPlan lastPlan;

  /**
   * @param stages the stages; the pipeline keeps them open, the caller closes them
   */
  public PipelineSystem(PipelineStages stages) {
    this.stages = stages;
    if (stages.canPlan()) {
      ChatGen.Builder b = ChatGen.builder()
          .rewriter(stages.rewriter())
          .selector(stages.selector())
          .configurator(stages.configurator());
      if (stages.generator() != null) {
        b.generator(stages.generator());
      } else {
        b.withoutGenerator();
      }
      this.chatGen = b.build();
    } else {
      this.chatGen = null;
    }
  }

  @Override
  public String name() {
    return "pipeline";
  }

  @Override
  public String description() {
    return "the default ChatGen pipeline: the stages found on the classpath";
  }

  @Override
  public Capabilities capabilities() {
    Capabilities c = Capabilities.NONE;
    if (stages.rewriter() != null) {
      c = c.withPrompt().withNegativePrompt();
    }
    if (stages.selector() != null) {
      c = c.withSelection();
      if (stages.configurator() != null) {
        c = c.withParams();
      }
    }
    if (stages.configurator() != null) {
      c = c.withGoldModelParams();
    }
    if (stages.canPlan()) {
      c = c.withPlanLatency();
    }
    return c;
  }

  /** The pipeline used for full plans and rendering, when all planning stages are present. */
  public @Nullable ChatGen chatGen() {
    return chatGen;
  }

  /** The plan of the last {@link #predict} call, when it made a full plan. */
  public @Nullable GenerationPlan lastPlan() {
    return lastPlan;
  }

  @Override
  public Prediction predict(EvalCase c) {
    lastPlan = null;
    ChatRequest req = c.request();
    Map<Stage, Double> stageMs = new EnumMap<>(Stage.class);
    RewrittenPrompt prompt;
    @Nullable ModelChoice choice = null;
    @Nullable ConfiguredParams params = null;
    @Nullable Double planMs = null;
    try {
      if (chatGen != null) {
        long t0 = System.nanoTime();
        GenerationPlan plan = chatGen.plan(req);
        planMs = (System.nanoTime() - t0) / 1e6;
        plan.timings().forEach((s, d) -> stageMs.put(s, millis(d)));
        prompt = plan.prompt();
        choice = plan.choice();
        params = plan.params();
        lastPlan = plan;
      } else {
        PromptRewriter r = stages.rewriter();
        ModelSelector s = stages.selector();
        ParamConfigurator k = stages.configurator();
        prompt = r == null ? new RewrittenPrompt(req.userText(), "") : timed(Stage.REWRITE, stageMs, () -> r.rewrite(req));
        if (s != null) {
          RewrittenPrompt p0 = prompt;
          ModelChoice chosen = timed(Stage.SELECT, stageMs, () -> s.select(req, p0));
          choice = chosen;
          if (r != null) {
            prompt = timed(Stage.REWRITE, stageMs, () -> r.adaptToModel(p0, chosen.model()));
          }
          if (k != null) {
            // as the pipeline does: the prompt before the chosen model's words were added
            params = timed(Stage.CONFIGURE, stageMs, () -> k.configure(req, p0, chosen));
          }
        }
      }
    } catch (RuntimeException e) {
      return Prediction.failed(c.demo().imageId(), describe(e));
    }
    GenerationParams gold = null;
    String error = null;
    ParamConfigurator k = stages.configurator();
    if (k != null && c.goldCard() != null) {
      try {
        // the prompt as the pipeline wrote it (adapted to its own choice when it chose one)
        long t0 = System.nanoTime();
        gold = k.configure(req, prompt, ModelChoice.forced(c.goldCard())).params();
        // without a selector this is the only run of the configure stage: its latency is still real
        stageMs.putIfAbsent(Stage.CONFIGURE, (System.nanoTime() - t0) / 1e6);
      } catch (RuntimeException e) {
        error = "gold-model configuration failed: " + describe(e);
      }
    }
    boolean hasPrompt = stages.rewriter() != null;
    return new Prediction(
        c.demo().imageId(),
        hasPrompt ? prompt.prompt() : null,
        hasPrompt ? prompt.negativePrompt() : null,
        choice == null ? null : ids(choice),
        params == null ? null : params.params(),
        gold,
        planMs,
        stageMs,
        error);
  }

  private static List<Long> ids(ModelChoice choice) {
    // distinct model ids: a selector may rank several versions of one model
    return choice.ranked().stream().map(ScoredModel::model).map(m -> m.id()).distinct().limit(TOP_IDS).toList();
  }

  private static <T> T timed(Stage stage, Map<Stage, Double> ms, Supplier<T> work) {
    long t0 = System.nanoTime();
    T out = work.get();
    ms.merge(stage, (System.nanoTime() - t0) / 1e6, Double::sum);
    if (out == null) {
      throw new IllegalStateException("the " + stage + " stage returned null");
    }
    return out;
  }

  private static double millis(Duration d) {
    return d.toNanos() / 1e6;
  }

  static String describe(Throwable e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }
}
