package io.chatgen.bench.eval;

import com.google.gson.JsonObject;
import io.chatgen.bench.metrics.ImageScorer;
import io.chatgen.bench.metrics.ImageSetScorer;
import io.chatgen.bench.metrics.PromptSimilarity;
import io.chatgen.core.ChatRequest;
import io.chatgen.core.GeneratedImage;
import io.chatgen.core.GenerationPlan;
import io.chatgen.core.pipeline.ChatGen;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the benchmark: the pipeline and every baseline on every request of a {@link BenchData},
 * scored per split and per input kind.
 *
 * <pre>{@code
 * BenchData data = BenchData.builder().models(m).demos(d).chats(c).load();
 * try (PipelineStages stages = PipelineStages.discover(StageContext.defaults(), loader, EnumSet.allOf(Stage.class))) {
 *   EvaluationResult r = Evaluation.builder().stages(stages).build().run(data);
 *   r.writeTo(outDir);
 * }
 * }</pre>
 *
 * <p>Requests run one at a time so that latencies are not distorted by contention. Not
 * thread-safe; one evaluation at a time.
 */
public final class Evaluation {
  private static final Logger log = LoggerFactory.getLogger(Evaluation.class);

  /** Plans run before measuring, so that class loading and JIT do not land in the first latencies. */
  static final List<String> WARM_UP = List.of(
      "a lighthouse on a cliff at sunset, oil painting",
      "portrait of an old fisherman, dramatic light",
      "a cozy cabin in snowy mountains");

  private final PipelineStages stages;
  private final List<EvaluatedSystem> extraBaselines;
  private final List<PromptSimilarity> similarities;
  private final List<ImageScorer> imageScorers;
  private final List<ImageSetScorer> imageSetScorers;
  private final boolean renderImages;
  private final boolean standardBaselines;
  private final ProgressListener progress;

  private Evaluation(Builder b) {
    this.stages = Objects.requireNonNull(b.stages, "stages: call stages(..) before build()");
    this.extraBaselines = List.copyOf(b.baselines);
    this.similarities = List.copyOf(b.similarities);
    this.imageScorers = List.copyOf(b.imageScorers);
    this.imageSetScorers = List.copyOf(b.imageSetScorers);
    this.renderImages = b.renderImages;
    this.standardBaselines = b.standardBaselines;
    this.progress = b.progress;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Evaluates every request of {@code data}.
   *
   * @param data the requests and what the baselines learn from
   * @return the scores and predictions
   */
  public EvaluationResult run(BenchData data) {
    long t0 = System.nanoTime();
    List<EvaluatedSystem> baselines = new ArrayList<>();
    if (standardBaselines) {
      baselines.addAll(Baselines.standard(data.train()));
    }
    baselines.addAll(extraBaselines);
    PipelineSystem pipeline = new PipelineSystem(stages);
    warmUp(pipeline);
    List<String> splits = data.splitsPresent(BenchData.DEFAULT_SPLITS);
    Map<String, Map<String, Scores>> pipelineScores = newScores(splits, pipeline.capabilities());
    Map<String, Map<String, Map<String, Scores>>> baselineScores = new LinkedHashMap<>();
    for (EvaluatedSystem b : baselines) {
      baselineScores.put(b.name(), newScores(splits, b.capabilities()));
    }
    ChatGen chatGen = pipeline.chatGen();
    boolean images = renderImages && chatGen != null && chatGen.generator().isPresent();
    if (renderImages && !images) {
      log.warn("--images asked, but no image generator (or no complete planning pipeline) is present: image scores are null");
    }
    Map<String, List<GeneratedImage>> rendered = new LinkedHashMap<>();
    List<Prediction> predictions = new ArrayList<>(data.cases().size());
    int done = 0;
    int total = data.cases().size();
    for (EvalCase c : data.cases()) {
      Prediction p = pipeline.predict(c);
      predictions.add(p);
      addAll(pipelineScores, c, p);
      GenerationPlan plan = pipeline.lastPlan();
      if (images && plan != null) {
        renderAndScore(chatGen, plan, c, pipelineScores, rendered);
      }
      for (EvaluatedSystem b : baselines) {
        addAll(baselineScores.get(b.name()), c, b.predict(c));
      }
      progress.onProgress(++done, total);
    }
    Map<String, JsonObject> imageSummary = new LinkedHashMap<>();
    if (renderImages) {
      for (String split : splits) {
        imageSummary.put(split, ImageSummary.of(images, pipelineScores.get(split).get(""),
            rendered.getOrDefault(split, List.of()), imageScorers, imageSetScorers));
      }
    }
    double wallMs = (System.nanoTime() - t0) / 1e6;
    return new EvaluationResult(data, stages, pipeline, baselines, splits, pipelineScores, baselineScores,
        imageSummary, predictions, wallMs);
  }

  private void renderAndScore(ChatGen chatGen, GenerationPlan plan, EvalCase c,
      Map<String, Map<String, Scores>> scores, Map<String, List<GeneratedImage>> rendered) {
    try {
      GeneratedImage image = chatGen.generate(plan);
      rendered.computeIfAbsent(c.split(), k -> new ArrayList<>()).add(image);
      for (ImageScorer s : imageScorers) {
        scores.get(c.split()).get("").addImageScore(s.name(), s.score(image, c.demo().prompt()));
      }
    } catch (RuntimeException e) {
      log.warn("rendering or scoring image {} failed: {}", c.demo().imageId(), e.toString());
    }
  }

  private void warmUp(PipelineSystem pipeline) {
    ChatGen chatGen = pipeline.chatGen();
    if (chatGen == null) {
      return;
    }
    for (String text : WARM_UP) {
      try {
        chatGen.plan(ChatRequest.of(text));
      } catch (RuntimeException e) {
        log.warn("warm-up plan failed: {}", e.toString());
      }
    }
  }

  private Map<String, Map<String, Scores>> newScores(List<String> splits, Capabilities caps) {
    Map<String, Map<String, Scores>> out = new LinkedHashMap<>();
    for (String s : splits) {
      Map<String, Scores> groups = new LinkedHashMap<>();
      groups.put("", new Scores(caps, similarities));
      for (String k : EvalCase.KINDS) {
        groups.put(k, new Scores(caps, similarities));
      }
      out.put(s, groups);
    }
    return out;
  }

  private static void addAll(Map<String, Map<String, Scores>> scores, EvalCase c, Prediction p) {
    Map<String, Scores> groups = scores.get(c.split());
    groups.get("").add(c, p);
    for (String k : c.kinds()) {
      groups.get(k).add(c, p);
    }
  }

  /** Configures an evaluation. */
  public static final class Builder {
    private @Nullable PipelineStages stages;
    private final List<EvaluatedSystem> baselines = new ArrayList<>();
    private final List<PromptSimilarity> similarities = new ArrayList<>();
    private final List<ImageScorer> imageScorers = new ArrayList<>();
    private final List<ImageSetScorer> imageSetScorers = new ArrayList<>();
    private boolean renderImages;
    private boolean standardBaselines = true;
    private ProgressListener progress = ProgressListener.NONE;

    private Builder() {}

    /** The pipeline's stages (required); the caller keeps ownership and closes them. */
    public Builder stages(PipelineStages s) {
      this.stages = s;
      return this;
    }

    /** Adds a baseline of the caller's own. */
    public Builder baseline(EvaluatedSystem b) {
      baselines.add(Objects.requireNonNull(b, "baseline"));
      return this;
    }

    /** Whether to run the standard baselines (default true). */
    public Builder standardBaselines(boolean on) {
      this.standardBaselines = on;
      return this;
    }

    /** Adds a prompt similarity, reported under {@code prompt.extra.<name>}. */
    public Builder promptSimilarity(PromptSimilarity s) {
      if (s.name().equals("wordF1") || s.name().equals("tagF1")) {
        throw new IllegalArgumentException("\"" + s.name() + "\" is built in; give the similarity another name");
      }
      similarities.add(s);
      return this;
    }

    public Builder imageScorer(ImageScorer s) {
      imageScorers.add(Objects.requireNonNull(s, "imageScorer"));
      return this;
    }

    public Builder imageSetScorer(ImageSetScorer s) {
      imageSetScorers.add(Objects.requireNonNull(s, "imageSetScorer"));
      return this;
    }

    /** Render every planned request and score the images (slow; needs an image generator). */
    public Builder renderImages(boolean on) {
      this.renderImages = on;
      return this;
    }

    public Builder progress(ProgressListener l) {
      this.progress = Objects.requireNonNull(l, "progress");
      return this;
    }

    public Evaluation build() {
      return new Evaluation(this);
    }
  }
}
