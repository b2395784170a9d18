package io.chatgen.bench.eval;

import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.chatgen.bench.metrics.ParamMatch;
import io.chatgen.bench.metrics.Percentiles;
import io.chatgen.bench.metrics.PromptSimilarity;
import io.chatgen.bench.metrics.TagF1;
import io.chatgen.bench.metrics.TopK;
import io.chatgen.bench.metrics.WordF1;
import io.chatgen.core.GenerationParams;
import io.chatgen.core.Param;
import io.chatgen.core.Stage;
import io.chatgen.core.data.Demonstration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The metrics of one system on one group of requests (a split, or a kind within a split),
 * accumulated request by request. An output the system does not produce gives null metrics; a
 * request on which it failed counts as wrong for every output it claims.
 *
 * <p>Not thread-safe.
 */
public final class Scores {
  private final Capabilities caps;
  private final List<PromptSimilarity> extra;
  private int n;
  private int errors;
  private final Mean top1 = new Mean();
  private final Mean top5 = new Mean();
  private final Mean paramAcc = new Mean();
  private final Mean goldAcc = new Mean();
  private final Map<Param, Mean> perParam = new EnumMap<>(Param.class);
  private final Map<Param, Mean> goldPerParam = new EnumMap<>(Param.class);
  private final Mean wordF1 = new Mean();
  private final Mean tagF1 = new Mean();
  private final Map<String, Mean> extraMeans = new LinkedHashMap<>();
  private final Mean negF1 = new Mean();
  private final List<Double> planMs = new ArrayList<>();
  private final Map<Stage, List<Double>> stageMs = new EnumMap<>(Stage.class);
  private final Map<String, Mean> images = new LinkedHashMap<>();

  /**
   * @param caps what the system produces
   * @param extra further prompt similarities to report under {@code prompt.extra}
   */
  public Scores(Capabilities caps, List<PromptSimilarity> extra) {
    this.caps = caps;
    this.extra = List.copyOf(extra);
    for (Param p : ParamMatch.SCORED) {
      perParam.put(p, new Mean());
      goldPerParam.put(p, new Mean());
    }
    for (PromptSimilarity s : extra) {
      extraMeans.put(s.name(), new Mean());
    }
  }

  /** Adds one request's prediction. */
  public void add(EvalCase c, Prediction p) {
    Demonstration demo = c.demo();
    n++;
    if (p.error() != null) {
      errors++;
    }
    if (caps.selection() && demo.modelHashMatches()) {
      List<Long> ranked = p.topModelIds() == null ? List.of() : p.topModelIds();
      top1.add(TopK.hit(ranked, demo.modelId(), 1) ? 1 : 0);
      top5.add(TopK.hit(ranked, demo.modelId(), 5) ? 1 : 0);
    }
    if (caps.params()) {
      Map<Param, Boolean> m = matches(p.params(), demo);
      ParamMatch.accuracy(m).ifPresent(paramAcc::add);
      m.forEach((param, ok) -> perParam.get(param).add(ok ? 1 : 0));
    }
    if (caps.goldModelParams() && c.goldCard() != null) {
      Map<Param, Boolean> m = matches(p.goldModelParams(), demo);
      ParamMatch.accuracy(m).ifPresent(goldAcc::add);
      m.forEach((param, ok) -> goldPerParam.get(param).add(ok ? 1 : 0));
    }
    if (caps.prompt() && WordF1.hasWords(demo.prompt())) {
      String predicted = p.prompt() == null ? "" : p.prompt();
      wordF1.add(WordF1.INSTANCE.similarity(predicted, demo.prompt()));
      tagF1.add(TagF1.INSTANCE.similarity(predicted, demo.prompt()));
      for (PromptSimilarity s : extra) {
        extraMeans.get(s.name()).add(s.similarity(predicted, demo.prompt()));
      }
    }
    String neg = demo.negativePrompt();
    if (caps.negativePrompt() && neg != null && WordF1.hasWords(neg)) {
      negF1.add(WordF1.INSTANCE.similarity(p.negativePrompt() == null ? "" : p.negativePrompt(), neg));
    }
    if (caps.planLatency() && p.planMs() != null) {
      planMs.add(p.planMs());
    }
    p.stageMs().forEach((s, ms) -> stageMs.computeIfAbsent(s, k -> new ArrayList<>()).add(ms));
  }

  /** Adds an image score of one request. */
  public void addImageScore(String scorer, double value) {
    images.computeIfAbsent(scorer, k -> new Mean()).add(value);
  }

  /** The mean of an image scorer over this group, or null when it scored nothing. */
  public @Nullable Double imageMean(String scorer) {
    Mean m = images.get(scorer);
    return m == null ? null : m.value();
  }

  /** Stated parameters matched; a missing prediction (a failure) matches none of them. */
  private static Map<Param, Boolean> matches(@Nullable GenerationParams predicted, Demonstration demo) {
    Map<Param, Boolean> m = ParamMatch.compare(predicted == null ? GenerationParams.defaults() : predicted, demo);
    if (predicted == null) {
      m.replaceAll((k, v) -> false);
    }
    return m;
  }

  /** The mean of the per-parameter accuracies, over the parameters some request stated (null when none). */
  private static @Nullable Double meanOverParameters(Map<Param, Mean> per) {
    double sum = 0;
    int k = 0;
    for (Mean m : per.values()) {
      Double v = m.value();
      if (v != null) {
        sum += v;
        k++;
      }
    }
    return k == 0 ? null : sum / k;
  }

  /** How many requests were added. */
  public int n() {
    return n;
  }

  /** The metrics as JSON; undefined ones are JSON null. */
  public JsonObject toJson() {
    JsonObject o = new JsonObject();
    o.addProperty("n", n);
    o.addProperty("errors", errors);
    JsonObject sel = new JsonObject();
    sel.add("n", caps.selection() ? new JsonPrimitive(top1.n) : JsonNull.INSTANCE);
    sel.add("top1", caps.selection() ? num(top1.value()) : JsonNull.INSTANCE);
    sel.add("top5", caps.selection() ? num(top5.value()) : JsonNull.INSTANCE);
    o.add("selection", sel);
    JsonObject par = new JsonObject();
    par.add("n", caps.params() ? new JsonPrimitive(paramAcc.n) : JsonNull.INSTANCE);
    par.add("accuracy", caps.params() ? num(paramAcc.value()) : JsonNull.INSTANCE);
    par.add("goldModelN", caps.goldModelParams() ? new JsonPrimitive(goldAcc.n) : JsonNull.INSTANCE);
    par.add("goldModelAccuracy", caps.goldModelParams() ? num(goldAcc.value()) : JsonNull.INSTANCE);
    JsonObject per = new JsonObject();
    for (Param p : ParamMatch.SCORED) {
      per.add(p.jsonName(), caps.params() ? num(perParam.get(p).value()) : JsonNull.INSTANCE);
    }
    par.add("perParameter", per);
    // the issues' reading: each parameter's accuracy over the requests stating it, then their mean
    par.add("accuracyMeanOverParameters", caps.params() ? num(meanOverParameters(perParam)) : JsonNull.INSTANCE);
    par.add("goldModelAccuracyMeanOverParameters",
        caps.goldModelParams() ? num(meanOverParameters(goldPerParam)) : JsonNull.INSTANCE);
    o.add("params", par);
    JsonObject pr = new JsonObject();
    pr.add("n", caps.prompt() ? new JsonPrimitive(wordF1.n) : JsonNull.INSTANCE);
    pr.add("wordF1", caps.prompt() ? num(wordF1.value()) : JsonNull.INSTANCE);
    pr.add("tagF1", caps.prompt() ? num(tagF1.value()) : JsonNull.INSTANCE);
    if (!extra.isEmpty()) {
      JsonObject ex = new JsonObject();
      extraMeans.forEach((k, v) -> ex.add(k, caps.prompt() ? num(v.value()) : JsonNull.INSTANCE));
      pr.add("extra", ex);
    }
    o.add("prompt", pr);
    JsonObject neg = new JsonObject();
    neg.add("n", caps.negativePrompt() ? new JsonPrimitive(negF1.n) : JsonNull.INSTANCE);
    neg.add("wordF1", caps.negativePrompt() ? num(negF1.value()) : JsonNull.INSTANCE);
    o.add("negativePrompt", neg);
    JsonObject lat = new JsonObject();
    lat.add("plan", caps.planLatency() ? latency(planMs) : JsonNull.INSTANCE);
    for (Stage s : List.of(Stage.REWRITE, Stage.SELECT, Stage.CONFIGURE)) {
      List<Double> v = stageMs.get(s);
      lat.add(s.name().toLowerCase(Locale.ROOT), v == null ? JsonNull.INSTANCE : latency(v));
    }
    o.add("latencyMs", lat);
    return o;
  }

  private static JsonElement latency(List<Double> ms) {
    if (ms.isEmpty()) {
      return JsonNull.INSTANCE;
    }
    JsonObject o = new JsonObject();
    o.addProperty("p50", Percentiles.of(ms, 50));
    o.addProperty("p95", Percentiles.of(ms, 95));
    o.addProperty("mean", ms.stream().mapToDouble(Double::doubleValue).average().orElseThrow());
    return o;
  }

  static JsonElement num(@Nullable Double v) {
    return v == null ? JsonNull.INSTANCE : new JsonPrimitive(v);
  }

  /** A running mean. */
  static final class Mean {
    private double sum;
    private int n;

    void add(double v) {
      sum += v;
      n++;
    }

    @Nullable Double value() {
      return n == 0 ? null : sum / n;
    }
  }

  /** Shorthand used by the report. */
  static Optional<Double> get(JsonObject o, String path) {
    JsonElement e = o;
    for (String part : path.split("\\.")) {
      if (e == null || !e.isJsonObject()) {
        return Optional.empty();
      }
      e = e.getAsJsonObject().get(part);
    }
    return e == null || e.isJsonNull() || !e.isJsonPrimitive() ? Optional.empty() : Optional.of(e.getAsDouble());
  }
}
