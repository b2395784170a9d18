package io.chatgen.bench.jmh;

import ai.djl.Device;
import io.chatgen.core.BaseArchitecture;
import io.chatgen.core.ChatRequest;
import io.chatgen.core.ModelCard;
import io.chatgen.core.ModelChoice;
import io.chatgen.core.RewrittenPrompt;
import io.chatgen.modeltoken.ModelTokenSelector;
import io.chatgen.modeltoken.ModelTokenTrainer;
import io.chatgen.modeltoken.NewModel;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * ModelToken selection latency over the shipped starter vocabulary and over a vocabulary of
 * 7,000 tokens, the paper's scale. The large vocabulary is the starter one expanded zero-shot,
 * through the module's public API ({@link ModelTokenSelector#expand}), with synthetic model cards
 * (made-up names, tags and descriptions from a fixed seed) up to the requested size; selection
 * cost depends on the number of tokens, not on what they mean. Sampled, so that JMH reports the
 * median and the spread.
 *
 * <pre>
 * java -cp chatgen-bench/target/chatgen-bench.jar org.openjdk.jmh.Main SelectorScaleBenchmark
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx3g", "-Dai.djl.offline=true"})
public class SelectorScaleBenchmark {
  /** Synthetic ids start here, far above Civitai's ids of the 2023 dump. */
  static final long SYNTHETIC_ID_BASE = 50_000_000L;

  private static final String[] WORDS = {
    "anime", "realistic", "portrait", "landscape", "fantasy", "cyberpunk", "watercolor", "ink", "photo",
    "3d", "render", "cartoon", "illustration", "painterly", "dark", "pastel", "vivid", "retro", "sci-fi",
    "architecture", "character", "semi-realistic", "comic", "concept art", "nature", "urban", "mecha",
    "cute", "dreamy", "cinematic", "soft light", "high contrast", "minimal", "detailed", "oil painting"};

  /** Vocabulary size; 0 means the shipped starter vocabulary as it is. */
  @Param({"0", "7000"})
  public int tokens;

  private ModelTokenSelector selector;
  private int size;
  private int next;

  @Setup(Level.Trial)
  public void setUp() {
    ModelTokenSelector starter = ModelTokenSelector.builder().optDevice(Device.cpu()).build();
    int have = starter.vocabulary().size();
    if (tokens == 0 || tokens <= have) {
      selector = starter;
    } else {
      try {
        selector = starter.expand(syntheticModels(tokens - have), ModelTokenTrainer.builder().build());
      } finally {
        starter.close();
      }
    }
    size = selector.vocabulary().size();
    if (tokens > 0 && size != tokens) {
      throw new IllegalStateException("expected " + tokens + " tokens, built " + size);
    }
  }

  /** Made-up zero-shot models, the same for every run. */
  static List<NewModel> syntheticModels(int n) {
    SplittableRandom random = new SplittableRandom(7000);
    List<NewModel> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      List<String> tags = new ArrayList<>();
      StringBuilder description = new StringBuilder("A checkpoint for");
      for (int k = 0; k < 4; k++) {
        String w = WORDS[random.nextInt(WORDS.length)];
        tags.add(w);
        description.append(' ').append(WORDS[random.nextInt(WORDS.length)]);
      }
      long id = SYNTHETIC_ID_BASE + i;
      ModelCard card = new ModelCard(id, id, "Synthetic Checkpoint " + i, BaseArchitecture.SD_1, "SD 1.5",
          tags, List.of(), description + " images.", List.of(), false, "synthetic");
      out.add(NewModel.zeroShot(card));
    }
    return out;
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    selector.close();
  }

  /** One selection: encode the chat and prompt, score every token, blend with neighbours, top-k. */
  @Benchmark
  public ModelChoice select() {
    ChatRequest request = PlanLatencyBenchmark.REQUESTS.get(next);
    next = (next + 1) % PlanLatencyBenchmark.REQUESTS.size();
    return selector.select(request, new RewrittenPrompt(request.message(), ""));
  }

  /** The vocabulary size actually benchmarked (for the log). */
  public int size() {
    return size;
  }
}
