package io.chatgen.bench.jmh;

import io.chatgen.bench.eval.PipelineStages;
import io.chatgen.core.ChatRequest;
import io.chatgen.core.ConfiguredParams;
import io.chatgen.core.GenerationPlan;
import io.chatgen.core.ModelChoice;
import io.chatgen.core.RewrittenPrompt;
import io.chatgen.core.Stage;
import io.chatgen.core.pipeline.ChatGen;
import io.chatgen.core.spi.DeviceSpec;
import io.chatgen.core.spi.StageContext;
import io.chatgen.core.stage.ModelSelector;
import io.chatgen.core.stage.ParamConfigurator;
import io.chatgen.core.stage.PromptRewriter;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Planning latency of each stage of the default pipeline (the stages on the classpath, on the
 * CPU) and of a whole {@link ChatGen#plan}, as a sampled distribution so that JMH reports the
 * median and the spread (p90, p99, max). The requests are a fixed rotation of made-up chats, one
 * of them multi-turn.
 *
 * <pre>
 * java -cp chatgen-bench/target/chatgen-bench.jar org.openjdk.jmh.Main PlanLatencyBenchmark
 * </pre>
 *
 * <p>A benchmark whose stage is absent fails in its setup with a message naming the stage.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx3g", "-Dai.djl.offline=true"})
public class PlanLatencyBenchmark {
  /** Made-up requests: short, long, styled, and a conversation. */
  static final List<ChatRequest> REQUESTS = List.of(
      ChatRequest.of("a lighthouse on a cliff at sunset, oil painting"),
      ChatRequest.of("I want a cute anime girl with silver hair reading in a rainy cafe, soft light, very detailed"),
      ChatRequest.of("photo of an old fisherman mending nets, dramatic lighting, 85mm"),
      ChatRequest.of("draw a big robot").followUp("make it steel and put it in a city at night"),
      ChatRequest.of("un castillo de fantasía entre las nubes"));

  private PipelineStages stages;
  private ChatGen chatGen;
  private PromptRewriter rewriter;
  private ModelSelector selector;
  private ParamConfigurator configurator;
  private RewrittenPrompt[] prompts;
  private ModelChoice[] choices;
  private int next;

  @Setup(Level.Trial)
  public void setUp() {
    stages = PipelineStages.discover(new StageContext(DeviceSpec.cpu(), Map.of()),
        PlanLatencyBenchmark.class.getClassLoader(), EnumSet.of(Stage.REWRITE, Stage.SELECT, Stage.CONFIGURE));
    if (!stages.canPlan()) {
      throw new IllegalStateException("cannot benchmark planning: absent stages " + stages.absent());
    }
    rewriter = stages.rewriter();
    selector = stages.selector();
    configurator = stages.configurator();
    chatGen = ChatGen.builder().rewriter(rewriter).selector(selector).configurator(configurator)
        .withoutGenerator().build();
    prompts = new RewrittenPrompt[REQUESTS.size()];
    choices = new ModelChoice[REQUESTS.size()];
    for (int i = 0; i < REQUESTS.size(); i++) {
      prompts[i] = rewriter.rewrite(REQUESTS.get(i));
      choices[i] = selector.select(REQUESTS.get(i), prompts[i]);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    stages.close();
  }

  private int nextIndex() {
    int i = next;
    next = (next + 1) % REQUESTS.size();
    return i;
  }

  /** Stage 1: prompt rewriting. */
  @Benchmark
  public RewrittenPrompt rewrite() {
    return rewriter.rewrite(REQUESTS.get(nextIndex()));
  }

  /** Stage 2: model selection, given the rewritten prompt. */
  @Benchmark
  public ModelChoice select() {
    int i = nextIndex();
    return selector.select(REQUESTS.get(i), prompts[i]);
  }

  /** Stage 3: parameter configuration, given the prompt and the choice. */
  @Benchmark
  public ConfiguredParams configure() {
    int i = nextIndex();
    return configurator.configure(REQUESTS.get(i), prompts[i], choices[i]);
  }

  /** The whole plan, as {@link ChatGen#plan} runs it. */
  @Benchmark
  public GenerationPlan plan() {
    return chatGen.plan(REQUESTS.get(nextIndex()));
  }
}
