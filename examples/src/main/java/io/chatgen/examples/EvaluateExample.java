package io.chatgen.examples;

import io.chatgen.bench.eval.BenchData;
import io.chatgen.bench.eval.Evaluation;
import io.chatgen.bench.eval.EvaluationResult;
import io.chatgen.bench.eval.PipelineStages;
import io.chatgen.core.Stage;
import io.chatgen.core.spi.StageContext;
import java.nio.file.Path;
import java.util.EnumSet;

/**
 * Evaluates the default pipeline on a data file in the format of {@code ../shared/civitai}, as the
 * {@code chatgen-bench.jar evaluate} command does, and writes summary.json, report.md and
 * predictions.jsonl.
 *
 * <pre>{@code
 * java -cp examples/target/chatgen-examples.jar io.chatgen.examples.EvaluateExample \
 *     ../shared/civitai out/eval 40
 * }</pre>
 */
public final class EvaluateExample {
  private EvaluateExample() {}

  /** Evaluates the first {@code limit} chat requests of {@code dataDir} and writes the results. */
  public static EvaluationResult evaluate(Path dataDir, Path outDir, int limit) {
    BenchData data = BenchData.builder()
        .models(dataDir.resolve("models.jsonl"))
        .demos(dataDir.resolve("demos.jsonl"))
        .chats(dataDir.resolve("chats.jsonl"))
        .limit(limit)
        .load();
    // the planning stages found on the class path, as the evaluate command uses them
    PipelineStages stages = PipelineStages.discover(StageContext.defaults(),
        EvaluateExample.class.getClassLoader(), EnumSet.of(Stage.REWRITE, Stage.SELECT, Stage.CONFIGURE));
    EvaluationResult result = Evaluation.builder().stages(stages).build().run(data);
    result.writeTo(outDir);
    return result;
  }

  public static void main(String[] args) {
    Path data = Path.of(args.length > 0 ? args[0] : "../shared/civitai");
    Path out = Path.of(args.length > 1 ? args[1] : "target/evaluation");
    int limit = args.length > 2 ? Integer.parseInt(args[2]) : 40;
    EvaluationResult result = evaluate(data, out, limit);
    System.out.println(result.report());
    System.out.println("written to " + out.toAbsolutePath());
  }
}
