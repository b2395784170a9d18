package io.chatgen.bench.eval;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Renders a summary as the Markdown report a person reads. */
final class Report {
  /** A row: its label and where its number lives in a split's JSON. */
  private record Row(String label, String path, boolean integer) {}

  private static final List<Row> ROWS = List.of(
      new Row("requests (n)", "n", true),
      new Row("selection top-1", "selection.top1", false),
      new Row("selection top-5", "selection.top5", false),
      new Row("params accuracy", "params.accuracy", false),
      new Row("params accuracy, gold model", "params.goldModelAccuracy", false),
      new Row("params accuracy, mean of parameters", "params.accuracyMeanOverParameters", false),
      new Row("params accuracy, gold model, mean of parameters", "params.goldModelAccuracyMeanOverParameters", false),
      new Row("· sampler", "params.perParameter.sampler", false),
      new Row("· steps", "params.perParameter.steps", false),
      new Row("· cfgScale", "params.perParameter.cfgScale", false),
      new Row("· width", "params.perParameter.width", false),
      new Row("· height", "params.perParameter.height", false),
      new Row("· clipSkip", "params.perParameter.clipSkip", false),
      new Row("prompt word-F1", "prompt.wordF1", false),
      new Row("prompt tag-F1", "prompt.tagF1", false),
      new Row("negative prompt word-F1", "negativePrompt.wordF1", false),
      new Row("plan latency p50 (ms)", "latencyMs.plan.p50", false),
      new Row("plan latency p95 (ms)", "latencyMs.plan.p95", false),
      new Row("· rewrite p50 (ms)", "latencyMs.rewrite.p50", false),
      new Row("· select p50 (ms)", "latencyMs.select.p50", false),
      new Row("· configure p50 (ms)", "latencyMs.configure.p50", false));

  private static final List<Row> KIND_ROWS = ROWS.stream().filter(r -> List.of("n", "selection.top1",
      "selection.top5", "params.accuracy", "params.goldModelAccuracy", "prompt.wordF1", "prompt.tagF1",
      "negativePrompt.wordF1").contains(r.path())).toList();

  private Report() {}

  static String markdown(JsonObject summary) {
    StringBuilder b = new StringBuilder();
    b.append("# ChatGen benchmark report\n\n");
    JsonObject data = summary.getAsJsonObject("data");
    b.append(String.format(Locale.ROOT,
        "%d requests evaluated (of %d chats; %d without a demonstration, %d in other splits) over %d models, "
            + "as %s requests; baselines trained on %d demonstrations. Wall time %.1f s.%n%n",
        data.get("evaluated").getAsInt(), data.get("chats").getAsInt(), data.get("chatsWithoutDemo").getAsInt(),
        data.get("chatsInOtherSplits").getAsInt(), data.get("models").getAsInt(), data.get("variant").getAsString(), data.get("trainDemos").getAsInt(),
        summary.get("wallTimeMs").getAsDouble() / 1000));
    b.append("## Stages\n\n| stage | run by |\n|---|---|\n");
    JsonObject absent = summary.getAsJsonObject("absentStages");
    for (Map.Entry<String, JsonElement> e : summary.getAsJsonObject("stages").entrySet()) {
      String who = e.getValue().isJsonNull()
          ? "**absent**" + (absent.has(e.getKey()) ? ": " + absent.get(e.getKey()).getAsString() : "")
          : e.getValue().getAsString();
      b.append("| ").append(e.getKey()).append(" | ").append(escape(who)).append(" |\n");
    }
    b.append("\nA metric of a stage that is absent, or that a baseline does not define, is shown as —.\n");
    JsonObject splits = summary.getAsJsonObject("splits");
    JsonObject baselines = summary.getAsJsonObject("baselines");
    for (String split : splits.keySet()) {
      b.append("\n## Split `").append(split).append("`\n\n");
      List<String> names = new ArrayList<>();
      List<JsonObject> cols = new ArrayList<>();
      names.add("pipeline");
      cols.add(splits.getAsJsonObject(split));
      for (String name : baselines.keySet()) {
        names.add(name);
        cols.add(baselines.getAsJsonObject(name).getAsJsonObject("splits").getAsJsonObject(split));
      }
      table(b, names, cols, ROWS);
      b.append("\n### Pipeline by input kind (`").append(split).append("`)\n\n");
      JsonObject kinds = splits.getAsJsonObject(split).getAsJsonObject("byKind");
      List<String> kn = new ArrayList<>();
      List<JsonObject> kc = new ArrayList<>();
      for (String k : EvalCase.KINDS) {
        if (kinds.get(k) != null && kinds.get(k).isJsonObject()) {
          kn.add(k);
          kc.add(kinds.getAsJsonObject(k));
        }
      }
      table(b, kn, kc, KIND_ROWS);
      JsonElement images = splits.getAsJsonObject(split).get("images");
      if (images != null && images.isJsonObject()) {
        b.append("\nImages: ");
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, JsonElement> e : images.getAsJsonObject().entrySet()) {
          parts.add(e.getKey() + " " + (e.getValue().isJsonNull() ? "—" : fmt(e.getValue().getAsDouble(), false)));
        }
        b.append(String.join(", ", parts)).append("\n");
      }
    }
    b.append("\n## Baselines\n\n");
    for (String name : baselines.keySet()) {
      b.append("- `").append(name).append("`: ")
          .append(baselines.getAsJsonObject(name).get("description").getAsString()).append('\n');
    }
    b.append("\nSelection is scored on demonstrations whose model hash matches; parameters by exact match where "
        + "the demonstration states them, averaged over stated parameters, then over requests; prompts by "
        + "word-F1 and tag-F1 against the demonstration's prompt.\n");
    return b.toString();
  }

  private static void table(StringBuilder b, List<String> names, List<JsonObject> cols, List<Row> rows) {
    b.append("| metric |");
    names.forEach(n -> b.append(' ').append(n).append(" |"));
    b.append("\n|---|");
    names.forEach(n -> b.append("---:|"));
    b.append('\n');
    for (Row r : rows) {
      b.append("| ").append(r.label()).append(" |");
      for (JsonObject c : cols) {
        Optional<Double> v = Scores.get(c, r.path());
        b.append(' ').append(v.map(x -> fmt(x, r.integer())).orElse("—")).append(" |");
      }
      b.append('\n');
    }
  }

  private static String fmt(double v, boolean integer) {
    return integer ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.3f", v);
  }

  private static String escape(String s) {
    return s.replace("|", "\\|").replace("\n", " ");
  }
}
