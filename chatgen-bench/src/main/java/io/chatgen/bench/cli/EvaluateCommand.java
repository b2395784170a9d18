package io.chatgen.bench.cli;

import io.chatgen.bench.eval.BenchData;
import io.chatgen.bench.eval.Evaluation;
import io.chatgen.bench.eval.EvaluationResult;
import io.chatgen.bench.eval.PipelineStages;
import io.chatgen.bench.eval.ProgressListener;
import io.chatgen.bench.eval.Variant;
import io.chatgen.bench.metrics.ImageScorer;
import io.chatgen.bench.metrics.ImageSetScorer;
import io.chatgen.core.Stage;
import io.chatgen.core.spi.DeviceSpec;
import io.chatgen.core.spi.StageContext;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code evaluate}: scores the pipeline and the baselines and writes the report files. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = "Evaluates the default pipeline (the stages on the classpath) and the baselines on every chat "
        + "request whose demonstration is in --demos, and writes summary.json, report.md and predictions.jsonl "
        + "into --out.")
final class EvaluateCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--models", required = true, paramLabel = "<models.jsonl>", description = "the model catalog")
  Path models;

  @Option(names = "--demos", required = true, paramLabel = "<demos.jsonl>", description = "the demonstrations")
  Path demos;

  @Option(names = "--chats", required = true, paramLabel = "<chats.jsonl>", description = "the chat requests to evaluate")
  Path chats;

  @Option(names = "--train", paramLabel = "<demos.jsonl>",
      description = "what the baselines learn from (default: --demos); evaluated demos are always left out")
  Path train;

  @Option(names = "--train-split", defaultValue = "train", description = "the split of the train file to learn from (default: ${DEFAULT-VALUE})")
  String trainSplit;

  @Option(names = "--out", required = true, paramLabel = "<dir>", description = "where to write the results")
  Path out;

  @Option(names = "--split", split = ",", paramLabel = "<split>",
      description = "splits to evaluate (default: test,test-fewshot)")
  List<String> splits = new ArrayList<>(BenchData.DEFAULT_SPLITS);

  @Option(names = "--limit", paramLabel = "<n>", description = "evaluate only the first n requests")
  Integer limit;

  @Option(names = "--stages", split = ",", paramLabel = "<stage>",
      description = "pipeline stages to use: rewrite, select, configure (default: all three; generate is added by --images)")
  List<String> stages = new ArrayList<>(List.of("rewrite", "select", "configure"));

  @Option(names = "--variant", defaultValue = "history", paramLabel = "history|single",
      description = "history: multi-turn requests as conversations (default); single: every request as one message")
  String variant;

  @Option(names = "--images", description = "render every planned request and score the images with the "
      + "ImageScorer/ImageSetScorer implementations on the classpath (slow; use with --limit)")
  boolean images;

  @Option(names = "--device", defaultValue = "auto", description = "auto, cpu, gpu or gpu:N (default: ${DEFAULT-VALUE})")
  String device;

  @Option(names = "--option", paramLabel = "key=value", description = "a setting passed to the stages (repeatable)")
  Map<String, String> options = new LinkedHashMap<>();

  @Option(names = "--no-progress", description = "do not draw the progress bar")
  boolean noProgress;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    Set<Stage> wanted = parseStages();
    Variant v;
    try {
      v = Variant.parse(variant);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    BenchData.Loader loader = BenchData.builder().models(models).demos(demos).chats(chats)
        .train(train).trainSplit(trainSplit).splits(splits).variant(v);
    if (limit != null) {
      loader.limit(limit);
    }
    BenchData data = loader.load();
    if (data.cases().isEmpty()) {
      throw new IllegalArgumentException("no request of " + chats + " asks for a demonstration of split(s) "
          + splits + " in " + demos + ": nothing to evaluate");
    }
    StageContext ctx = new StageContext(DeviceSpec.parse(device), options);
    try (PipelineStages found = PipelineStages.discover(ctx, Thread.currentThread().getContextClassLoader(), wanted)) {
      found.absent().forEach((s, why) -> err.println("chatgen-bench: stage " + s.name().toLowerCase(Locale.ROOT)
          + " absent (" + why + "): its metrics are null"));
      err.flush();
      Evaluation.Builder eb = Evaluation.builder().stages(found).renderImages(images)
          .progress(noProgress ? ProgressListener.NONE : new ProgressBar(System.err, "evaluating"));
      if (images) {
        ServiceLoader.load(ImageScorer.class).forEach(eb::imageScorer);
        ServiceLoader.load(ImageSetScorer.class).forEach(eb::imageSetScorer);
      }
      EvaluationResult result = eb.build().run(data);
      result.writeTo(out);
      spec.commandLine().getOut().println("wrote " + out.resolve(EvaluationResult.SUMMARY) + ", "
          + out.resolve(EvaluationResult.REPORT) + " and " + out.resolve(EvaluationResult.PREDICTIONS));
    }
    return 0;
  }

  private Set<Stage> parseStages() {
    Set<Stage> out = EnumSet.noneOf(Stage.class);
    for (String s : stages) {
      switch (s.strip().toLowerCase(Locale.ROOT)) {
        case "rewrite" -> out.add(Stage.REWRITE);
        case "select" -> out.add(Stage.SELECT);
        case "configure" -> out.add(Stage.CONFIGURE);
        case "generate" -> out.add(Stage.GENERATE);
        case "none", "" -> { }
        default -> throw new CommandLine.ParameterException(spec.commandLine(),
            "unknown stage \"" + s + "\"; use rewrite, select, configure (and generate)");
      }
    }
    if (images) {
      out.add(Stage.GENERATE);
    }
    return out;
  }

  /** The message of an error as one line, without a stack trace. */
  static String oneLine(Throwable e) {
    Throwable t = e;
    String m = t.getMessage();
    while ((m == null || m.isBlank()) && t.getCause() != null) {
      t = t.getCause();
      m = t.getMessage();
    }
    String text = m == null ? t.getClass().getSimpleName() : m;
    return text.replaceAll("\\s*\\R\\s*", " ").strip();
  }
}
