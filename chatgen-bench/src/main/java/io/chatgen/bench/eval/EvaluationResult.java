package io.chatgen.bench.eval;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import io.chatgen.core.GenerationParams;
import io.chatgen.core.Stage;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What an evaluation measured: {@link #summary()} (the content of {@code summary.json}),
 * {@link #report()} ({@code report.md}) and the pipeline's {@link #predictions()}
 * ({@code predictions.jsonl}). Immutable once built.
 */
public final class EvaluationResult {
  /** Files written by {@link #writeTo}. */
  public static final String SUMMARY = "summary.json";
  public static final String REPORT = "report.md";
  public static final String PREDICTIONS = "predictions.jsonl";

  private static final Gson GSON = new GsonBuilder().serializeNulls().setPrettyPrinting().create();
  private static final Gson LINE = new GsonBuilder().serializeNulls().create();

  private final JsonObject summary;
  private final List<Prediction> predictions;

  EvaluationResult(BenchData data, PipelineStages stages, PipelineSystem pipeline,
      List<EvaluatedSystem> baselines, List<String> splits,
      Map<String, Map<String, Scores>> pipelineScores,
      Map<String, Map<String, Map<String, Scores>>> baselineScores,
      Map<String, JsonObject> images, List<Prediction> predictions, double wallMs) {
    this.predictions = List.copyOf(predictions);
    JsonObject s = new JsonObject();
    s.addProperty("benchmark", "chatgen-bench");
    s.addProperty("createdAt", Instant.now().toString());
    JsonObject d = new JsonObject();
    d.addProperty("models", data.catalog().models().size());
    d.addProperty("chats", data.chatsRead());
    d.addProperty("evaluated", data.cases().size());
    d.addProperty("chatsWithoutDemo", data.chatsWithoutDemo());
    d.addProperty("chatsInOtherSplits", data.chatsOtherSplit());
    d.addProperty("trainDemos", data.train().size());
    d.addProperty("variant", data.variant().toString());
    s.add("data", d);
    JsonObject st = new JsonObject();
    for (Stage stage : Stage.values()) {
      String key = stage.name().toLowerCase(Locale.ROOT);
      String prov = stages.provenance().get(stage);
      st.add(key, prov == null ? JsonNull.INSTANCE : new com.google.gson.JsonPrimitive(prov));
    }
    s.add("stages", st);
    JsonObject absent = new JsonObject();
    stages.absent().forEach((k, v) -> absent.addProperty(k.name().toLowerCase(Locale.ROOT), v));
    s.add("absentStages", absent);
    JsonObject sp = new JsonObject();
    for (String split : splits) {
      JsonObject o = withKinds(pipelineScores.get(split));
      if (images.containsKey(split)) {
        o.add("images", images.get(split));
      } else {
        o.add("images", JsonNull.INSTANCE);
      }
      sp.add(split, o);
    }
    s.add("splits", sp);
    JsonObject bl = new JsonObject();
    for (EvaluatedSystem b : baselines) {
      JsonObject o = new JsonObject();
      o.addProperty("description", b.description());
      JsonObject bs = new JsonObject();
      for (String split : splits) {
        bs.add(split, withKinds(baselineScores.get(b.name()).get(split)));
      }
      o.add("splits", bs);
      bl.add(b.name(), o);
    }
    s.add("baselines", bl);
    s.addProperty("wallTimeMs", wallMs);
    this.summary = s;
  }

  private static JsonObject withKinds(Map<String, Scores> groups) {
    JsonObject o = groups.get("").toJson();
    JsonObject kinds = new JsonObject();
    for (String k : EvalCase.KINDS) {
      Scores sc = groups.get(k);
      kinds.add(k, sc.n() == 0 ? JsonNull.INSTANCE : sc.toJson());
    }
    o.add("byKind", kinds);
    return o;
  }

  /** The content of {@code summary.json} (a copy). */
  public JsonObject summary() {
    return summary.deepCopy();
  }

  /** The pipeline's predictions, one per evaluated request, in order. */
  public List<Prediction> predictions() {
    return predictions;
  }

  /** The content of {@code report.md}. */
  public String report() {
    return Report.markdown(summary);
  }

  /** One line of {@code predictions.jsonl}. */
  public static JsonObject predictionJson(Prediction p) {
    JsonObject o = new JsonObject();
    o.addProperty("imageId", p.imageId());
    o.addProperty("prompt", p.prompt());
    o.addProperty("negativePrompt", p.negativePrompt());
    o.addProperty("modelId", p.modelId());
    if (p.topModelIds() == null) {
      o.add("topModelIds", JsonNull.INSTANCE);
    } else {
      JsonArray a = new JsonArray();
      p.topModelIds().forEach(a::add);
      o.add("topModelIds", a);
    }
    o.add("params", params(p.params()));
    o.add("goldModelParams", params(p.goldModelParams()));
    o.addProperty("latencyMs", p.planMs());
    return o;
  }

  private static com.google.gson.JsonElement params(@Nullable GenerationParams g) {
    if (g == null) {
      return JsonNull.INSTANCE;
    }
    JsonObject o = new JsonObject();
    o.addProperty("sampler", g.sampler().a1111Name());
    o.addProperty("steps", g.steps());
    o.addProperty("cfgScale", g.cfgScale());
    o.addProperty("width", g.width());
    o.addProperty("height", g.height());
    o.addProperty("clipSkip", g.clipSkip());
    o.addProperty("seed", g.seed());
    return o;
  }

  /**
   * Writes {@value #SUMMARY}, {@value #REPORT} and {@value #PREDICTIONS} into {@code dir}
   * (created if needed).
   *
   * @throws UncheckedIOException when a file cannot be written
   */
  public void writeTo(Path dir) {
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve(SUMMARY), GSON.toJson(summary) + "\n", StandardCharsets.UTF_8);
      Files.writeString(dir.resolve(REPORT), report(), StandardCharsets.UTF_8);
      try (BufferedWriter w = Files.newBufferedWriter(dir.resolve(PREDICTIONS), StandardCharsets.UTF_8)) {
        for (Prediction p : predictions) {
          w.write(LINE.toJson(predictionJson(p)));
          w.write('\n');
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the results to " + dir + ": " + e.getMessage(), e);
    }
  }
}
