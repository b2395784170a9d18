package io.chatgen.bench.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonObject;
import io.chatgen.bench.testdata.TinyBench;
import io.chatgen.bench.metrics.ImageScorer;
import io.chatgen.bench.metrics.ImageSetScorer;
import io.chatgen.bench.metrics.UnifiedScore;
import io.chatgen.core.ConfiguredParams;
import io.chatgen.core.GeneratedImage;
import io.chatgen.core.GenerationParams;
import io.chatgen.core.ModelCard;
import io.chatgen.core.ModelChoice;
import io.chatgen.core.RewrittenPrompt;
import io.chatgen.core.Sampler;
import io.chatgen.core.ScoredModel;
import io.chatgen.core.stage.ImageGenerator;
import io.chatgen.core.stage.ModelSelector;
import io.chatgen.core.stage.ParamConfigurator;
import io.chatgen.core.stage.PromptRewriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runner on the hand-made {@link TinyBench} with hand-made stages; every expected number is
 * worked out in the comments.
 */
class EvaluationTest {
  @TempDir
  Path dir;

  BenchData data;

  @BeforeEach
  void load() throws Exception {
    TinyBench tiny = TinyBench.write(dir);
    data = BenchData.builder().models(tiny.models).demos(tiny.demos).chats(tiny.chats).load();
  }

  @Test
  void pairs_chats_with_their_demonstrations_and_keeps_evaluated_demos_out_of_training() {
    assertThat(data.cases()).extracting(c -> c.demo().imageId()).containsExactly(100L, 101L, 102L);
    assertThat(data.chatsWithoutDemo()).isEqualTo(1);
    assertThat(data.train()).extracting(d -> d.imageId()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    assertThat(data.cases().get(1).kinds()).containsExactly(EvalCase.HISTORY);
    assertThat(data.cases().get(2).kinds()).containsExactly(EvalCase.SINGLE, EvalCase.NON_ENGLISH);
  }

  @Test
  void scores_the_pipeline_per_step_with_known_answers() {
    ModelCard castle = data.catalog().byId(1).orElseThrow();
    ModelCard mech = data.catalog().byId(2).orElseThrow();
    ModelCard ink = data.catalog().byId(3).orElseThrow();
    PromptRewriter rewriter = req -> new RewrittenPrompt(req.message(), "lowres");
    ModelSelector selector = (req, p) -> new ModelChoice(List.of(
        new ScoredModel(mech, 0.5), new ScoredModel(castle, 0.3), new ScoredModel(ink, 0.2)), List.of());
    GenerationParams mechParams = new GenerationParams(Sampler.DPMPP_2M_KARRAS, 30, 7.0, 2, 512, 512, 0, null);
    ParamConfigurator configurator = (req, p, choice) -> ConfiguredParams.of(
        choice.model().id() == 2 ? mechParams : GenerationParams.defaults());
    EvaluationResult r;
    try (PipelineStages stages = PipelineStages.of(rewriter, selector, configurator, null)) {
      r = Evaluation.builder().stages(stages).build().run(data);
    }
    JsonObject test = r.summary().getAsJsonObject("splits").getAsJsonObject("test");
    assertThat(test.get("n").getAsInt()).isEqualTo(2);
    // 100 wants the castle (ranked 2nd), 101 the mech (ranked 1st)
    assertThat(num(test, "selection.top1")).isCloseTo(0.5, within(1e-12));
    assertThat(num(test, "selection.top5")).isCloseTo(1.0, within(1e-12));
    // 100 with the mech's params: sampler x, steps x, cfg ok, width ok, height x -> 2/5; 101: 6/6 -> mean 0.7
    assertThat(num(test, "params.accuracy")).isCloseTo(0.7, within(1e-12));
    // gold model forced: 100 gets the defaults (DPM++ 2M Karras, 25, 7, 512x512) -> 2/5; 101 -> 6/6
    assertThat(num(test, "params.goldModelAccuracy")).isCloseTo(0.7, within(1e-12));
    assertThat(num(test, "params.perParameter.height")).isCloseTo(0.5, within(1e-12));
    assertThat(num(test, "params.perParameter.clipSkip")).isCloseTo(1.0, within(1e-12));
    // per parameter: sampler 1/2, steps 1/2, cfg 2/2, width 2/2, height 1/2, clip skip 1/1 -> mean 0.75
    assertThat(num(test, "params.accuracyMeanOverParameters")).isCloseTo(0.75, within(1e-12));
    assertThat(num(test, "params.goldModelAccuracyMeanOverParameters")).isCloseTo(0.75, within(1e-12));
    // 100: 7 words vs 6, 4 shared -> 8/13; 101 (history: last turn) 8 vs 8 words, 6 shared -> 12/16
    assertThat(num(test, "prompt.wordF1")).isCloseTo((8.0 / 13 + 0.75) / 2, within(1e-12));
    // "lowres" vs "blurry, lowres" -> 2/3; vs "lowres" -> 1
    assertThat(num(test, "negativePrompt.wordF1")).isCloseTo((2.0 / 3 + 1) / 2, within(1e-12));
    assertThat(num(test, "latencyMs.plan.p50")).isNotNegative();
    assertThat(num(test, "latencyMs.plan.p95")).isGreaterThanOrEqualTo(num(test, "latencyMs.plan.p50"));
    JsonObject history = test.getAsJsonObject("byKind").getAsJsonObject("history");
    assertThat(history.get("n").getAsInt()).isEqualTo(1);
    assertThat(num(history, "selection.top1")).isEqualTo(1.0);
    assertThat(test.getAsJsonObject("byKind").get("nonEnglish").isJsonNull()).isTrue();
    assertThat(r.predictions()).hasSize(3);
    assertThat(r.predictions().get(0).topModelIds()).containsExactly(2L, 1L, 3L);
  }

  @Test
  void baselines_learn_from_train_and_fill_only_what_they_define() {
    EvaluationResult r;
    try (PipelineStages stages = PipelineStages.of(null, null, null, null)) {
      r = Evaluation.builder().stages(stages).build().run(data);
    }
    JsonObject b = r.summary().getAsJsonObject("baselines");
    JsonObject centroid = split(b, "tfidfCentroid", "test");
    JsonObject knn = split(b, "tfidfKnn", "test");
    // "castle" and "robot"/"steel" are in 2 train prompts each and point at the right model;
    // the Spanish request shares no term and misses
    assertThat(num(centroid, "selection.top1")).isEqualTo(1.0);
    assertThat(num(knn, "selection.top1")).isEqualTo(1.0);
    assertThat(num(split(b, "tfidfCentroid", "test-fewshot"), "selection.top1")).isEqualTo(0.0);
    assertThat(num(split(b, "tfidfKnn", "test-fewshot"), "selection.top1")).isEqualTo(0.0);
    assertThat(centroid.getAsJsonObject("params").get("accuracy").isJsonNull()).isTrue();
    // global modes over the 6 train demos (ties to the first seen): Euler a, 20 steps, cfg 7, 512x512, clip skip 2
    // 100: 4/5 (height wrong); 101: cfg, width, height, clip skip right -> 4/6; mean (0.8 + 2/3) / 2
    JsonObject common = split(b, "mostCommonParams", "test");
    assertThat(num(common, "params.accuracy")).isCloseTo((0.8 + 2.0 / 3) / 2, within(1e-12));
    assertThat(common.getAsJsonObject("params").get("goldModelAccuracy").isJsonNull()).isTrue();
    assertThat(common.getAsJsonObject("selection").get("top1").isJsonNull()).isTrue();
    // per model: castle -> Euler a, 20, 7, 512x512, clip skip from global (2): 100 -> 4/5; mech -> 101: 6/6
    assertThat(num(split(b, "goldModelMostCommonParams", "test"), "params.goldModelAccuracy"))
        .isCloseTo(0.9, within(1e-12));
    // raw chat: 100 -> 8/13; 101 (all turns): 12 words vs 8, 7 shared -> 14/20
    JsonObject raw = split(b, "rawChat", "test");
    assertThat(num(raw, "prompt.wordF1")).isCloseTo((8.0 / 13 + 0.7) / 2, within(1e-12));
    assertThat(raw.getAsJsonObject("negativePrompt").get("wordF1").isJsonNull()).isTrue();
    // the absent pipeline reports nulls, not zeros
    JsonObject pipe = r.summary().getAsJsonObject("splits").getAsJsonObject("test");
    assertThat(pipe.getAsJsonObject("selection").get("top1").isJsonNull()).isTrue();
    assertThat(pipe.getAsJsonObject("prompt").get("wordF1").isJsonNull()).isTrue();
    assertThat(pipe.getAsJsonObject("latencyMs").get("plan").isJsonNull()).isTrue();
  }

  @Test
  void renders_and_scores_images_only_when_asked_and_combines_the_unified_score() {
    ModelCard castle = data.catalog().byId(1).orElseThrow();
    PromptRewriter rewriter = req -> new RewrittenPrompt(req.message(), "");
    ModelSelector selector = (req, p) -> ModelChoice.forced(castle);
    ParamConfigurator configurator = (req, p, choice) -> ConfiguredParams.of(GenerationParams.defaults());
    ImageGenerator generator = (plan, progress) ->
        new GeneratedImage(plan, 8, 8, new int[64], plan.model(), Duration.ofMillis(1), List.of());
    // per-image scores are constant, so their means are the constants
    ImageScorer clip = scorer(UnifiedScore.CLIP, 30);
    ImageScorer hps = scorer(UnifiedScore.HPS_V2, 0.27);
    ImageScorer reward = scorer(UnifiedScore.IMAGE_REWARD, 0.5);
    ImageSetScorer fid = new ImageSetScorer() {
      @Override
      public String name() {
        return UnifiedScore.FID;
      }

      @Override
      public double score(List<GeneratedImage> images) {
        return 10.0 * images.size();
      }
    };
    try (PipelineStages stages = PipelineStages.of(rewriter, selector, configurator, generator)) {
      EvaluationResult without = Evaluation.builder().stages(stages).standardBaselines(false).build().run(data);
      assertThat(without.summary().getAsJsonObject("splits").getAsJsonObject("test").get("images").isJsonNull())
          .isTrue();
      EvaluationResult r = Evaluation.builder().stages(stages).standardBaselines(false).renderImages(true)
          .imageScorer(clip).imageScorer(hps).imageScorer(reward).imageSetScorer(fid).build().run(data);
      JsonObject images = r.summary().getAsJsonObject("splits").getAsJsonObject("test").getAsJsonObject("images");
      assertThat(images.get("generated").getAsInt()).isEqualTo(2);
      // FID = 10 * 2 images = 20; unified = (30 + 2.7 + 0.5 - 20 - 50) / 4 = -9.2
      assertThat(images.get("fid").getAsDouble()).isEqualTo(20.0);
      assertThat(images.get("unified").getAsDouble()).isCloseTo(-9.2, within(1e-12));
    }
  }

  private static ImageScorer scorer(String name, double value) {
    return new ImageScorer() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public double score(GeneratedImage image, String prompt) {
        return value;
      }
    };
  }

  private static JsonObject split(JsonObject baselines, String name, String split) {
    return baselines.getAsJsonObject(name).getAsJsonObject("splits").getAsJsonObject(split);
  }

  static double num(JsonObject o, String path) {
    return Scores.get(o, path).orElseThrow(() -> new AssertionError(path + " is null in " + o));
  }
}
