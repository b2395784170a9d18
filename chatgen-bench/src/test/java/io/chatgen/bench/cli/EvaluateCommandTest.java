package io.chatgen.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.chatgen.bench.testdata.TinyBench;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code evaluate} command end to end on a hand-made data set. */
class EvaluateCommandTest {
  @TempDir
  Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return BenchCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
  }

  @Test
  void writes_summary_report_and_predictions_with_absent_stages_as_null() throws Exception {
    TinyBench tiny = TinyBench.write(dir);
    Path outDir = dir.resolve("out");
    int rc = run("evaluate", "--models", tiny.models.toString(), "--demos", tiny.demos.toString(),
        "--chats", tiny.chats.toString(), "--out", outDir.toString(), "--stages", "none", "--no-progress");
    assertThat(rc).as(err.toString()).isZero();
    assertThat(err.toString()).contains("stage rewrite absent", "stage select absent", "stage configure absent");
    JsonObject summary = JsonParser.parseString(
        Files.readString(outDir.resolve("summary.json"))).getAsJsonObject();
    JsonObject test = summary.getAsJsonObject("splits").getAsJsonObject("test");
    assertThat(test.get("n").getAsInt()).isEqualTo(2);
    for (String group : List.of("selection", "prompt", "negativePrompt")) {
      assertThat(test.getAsJsonObject(group).keySet()).isNotEmpty();
    }
    assertThat(test.getAsJsonObject("selection").get("top1").isJsonNull()).isTrue();
    assertThat(test.getAsJsonObject("selection").get("top5").isJsonNull()).isTrue();
    assertThat(test.getAsJsonObject("params").get("accuracy").isJsonNull()).isTrue();
    assertThat(test.getAsJsonObject("params").get("goldModelAccuracy").isJsonNull()).isTrue();
    assertThat(test.getAsJsonObject("params").getAsJsonObject("perParameter").keySet())
        .containsExactly("sampler", "steps", "cfgScale", "width", "height", "clipSkip");
    assertThat(test.getAsJsonObject("prompt").get("tagF1").isJsonNull()).isTrue();
    assertThat(test.getAsJsonObject("latencyMs").get("plan").isJsonNull()).isTrue();
    assertThat(summary.getAsJsonObject("splits").has("test-fewshot")).isTrue();
    assertThat(summary.getAsJsonObject("stages").get("select").isJsonNull()).isTrue();
    assertThat(summary.getAsJsonObject("baselines").keySet())
        .contains("rawChat", "tfidfCentroid", "tfidfKnn", "mostCommonParams");
    assertThat(summary.getAsJsonObject("baselines").getAsJsonObject("tfidfKnn").getAsJsonObject("splits")
        .getAsJsonObject("test").getAsJsonObject("selection").get("top1").getAsDouble()).isEqualTo(1.0);

    List<String> lines = Files.readAllLines(outDir.resolve("predictions.jsonl"), StandardCharsets.UTF_8);
    assertThat(lines).hasSize(3);
    JsonObject first = JsonParser.parseString(lines.get(0)).getAsJsonObject();
    assertThat(first.keySet()).containsExactly("imageId", "prompt", "negativePrompt", "modelId", "topModelIds",
        "params", "goldModelParams", "latencyMs");
    assertThat(first.get("imageId").getAsLong()).isEqualTo(100);
    assertThat(first.get("prompt").isJsonNull()).isTrue();
    assertThat(first.get("params").isJsonNull()).isTrue();

    String report = Files.readString(outDir.resolve("report.md"));
    assertThat(report).contains("| selection top-1 |", "tfidfKnn", "**absent**", "## Split `test-fewshot`");
  }

  @Test
  void a_missing_file_exits_non_zero_naming_it() throws Exception {
    TinyBench tiny = TinyBench.write(dir);
    Path missing = dir.resolve("nope.jsonl");
    int rc = run("evaluate", "--models", tiny.models.toString(), "--demos", missing.toString(),
        "--chats", tiny.chats.toString(), "--out", dir.resolve("o").toString(), "--stages", "none", "--no-progress");
    assertThat(rc).isEqualTo(1);
    assertThat(err.toString().strip()).startsWith("chatgen-bench: error:").contains("nope.jsonl").doesNotContain("\n");
  }

  @Test
  void a_malformed_line_exits_non_zero_naming_file_and_line() throws Exception {
    TinyBench tiny = TinyBench.write(dir);
    List<String> demos = new java.util.ArrayList<>(Files.readAllLines(tiny.demos));
    demos.set(2, "{\"imageId\": 3, \"prompt\": ");
    Files.write(tiny.demos, demos);
    int rc = run("evaluate", "--models", tiny.models.toString(), "--demos", tiny.demos.toString(),
        "--chats", tiny.chats.toString(), "--out", dir.resolve("o").toString(), "--stages", "none", "--no-progress");
    assertThat(rc).isEqualTo(1);
    assertThat(err.toString()).contains("demos.jsonl:3");
    assertThat(err.toString().strip().lines().count()).isEqualTo(1);
  }

  @Test
  void an_unknown_option_value_is_a_usage_error() throws Exception {
    TinyBench tiny = TinyBench.write(dir);
    int rc = run("evaluate", "--models", tiny.models.toString(), "--demos", tiny.demos.toString(),
        "--chats", tiny.chats.toString(), "--out", dir.resolve("o").toString(), "--stages", "paint");
    assertThat(rc).isEqualTo(2);
    assertThat(err.toString()).contains("unknown stage \"paint\"");
  }

  @Test
  void the_progress_bar_shows_count_share_and_time_left() {
    ProgressBar bar = new ProgressBar(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()), "evaluating");
    // 10 of 40 in 5 s: 2 req/s, 30 left -> 15 s
    assertThat(bar.line(10, 40, 5.0)).contains("10/40", " 25%", "2.0 req/s", "0:15 left");
  }
}
