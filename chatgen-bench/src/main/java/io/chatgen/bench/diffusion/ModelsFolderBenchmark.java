package io.chatgen.bench.diffusion;

import io.chatgen.core.ChatRequest;
import io.chatgen.core.pipeline.ChatGen;
import io.chatgen.diffusion.checkpoint.CheckpointResolver;
import io.chatgen.diffusion.checkpoint.InstalledCheckpoints;
import io.chatgen.diffusion.safetensors.SafetensorsWriter;
import io.chatgen.diffusion.safetensors.TensorData;
import io.chatgen.modeltoken.ModelTokenSelector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What a models folder costs the pipeline: builds {@code ChatGen} with the embedded stages and
 * plans one request, with and without {@code models.dir} pointing at a folder of {@code --files}
 * SD 1.x checkpoints that no catalog card claims (header-only files, written once to a temporary
 * folder, so their hashes come from the cache after the first build), {@code --runs} times each,
 * alternating, in one JVM; reports medians and their ratio, and the median time of resolving the
 * whole starter catalog against the folder ({@link CheckpointResolver#resolveAll}).
 *
 * <pre>
 * java -Dai.djl.offline=true -cp "examples/target/lib/*" io.chatgen.bench.diffusion.ModelsFolderBenchmark \
 *   --files 200 --runs 5
 * </pre>
 *
 * The first build of each kind is a warm-up and is not counted (it loads the shipped artifacts).
 * The folder is deleted at the end; its files' hashes pass through the user's hash cache
 * ({@code ~/.cache/chatgen/checkpoint-hashes.tsv}), which drops them when next written.
 */
public final class ModelsFolderBenchmark {
  private ModelsFolderBenchmark() {}

  public static void main(String[] args) throws IOException {
    int files = 200;
    int runs = 5;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--files" -> files = Integer.parseInt(args[++i]);
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i] + "; use --files N --runs R");
      }
    }
    if (files < 1 || runs < 1) {
      throw new IllegalArgumentException("--files and --runs must be >= 1");
    }
    Path dir = Files.createTempDirectory("chatgen-models-folder");
    try {
      run(dir, files, runs);
    } finally {
      // the hash cache forgets the entries of files that are gone when it is next written
      try (java.util.stream.Stream<Path> all = Files.walk(dir)) {
        for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private static void run(Path dir, int files, int runs) {
    for (int i = 0; i < files; i++) {
      Map<String, TensorData> tensors = new LinkedHashMap<>();
      InstalledCheckpoints.SD1_TENSORS.forEach(k -> tensors.put(k, TensorData.ofFloats(new long[] {1}, new float[] {0f})));
      SafetensorsWriter.write(dir.resolve("local_model_" + i + ".safetensors"), tensors, Map.of());
    }
    System.out.printf(Locale.ROOT, "models folder %s: %d header-only SD 1.x checkpoints%n", dir, files);
    ChatRequest request = ChatRequest.of("a samurai in neon light");
    double[] with = new double[runs];
    double[] without = new double[runs];
    for (int r = -1; r < runs; r++) {
      double a = buildAndPlan(ChatGen.builder(), request);
      double b = buildAndPlan(ChatGen.builder().option("models.dir", dir.toString()), request);
      if (r >= 0) {
        without[r] = a;
        with[r] = b;
      }
    }
    double[] resolve = new double[runs];
    try (ModelTokenSelector starter = ModelTokenSelector.builder().build()) {
      CheckpointResolver resolver = new CheckpointResolver(dir);
      resolver.resolveAll(starter.vocabulary().cards());
      for (int r = 0; r < runs; r++) {
        long t = System.nanoTime();
        resolver.resolveAll(starter.vocabulary().cards());
        resolve[r] = (System.nanoTime() - t) / 1e6;
      }
      System.out.printf(Locale.ROOT, "build + plan without a folder: median %.0f ms; with the folder: median %.0f ms"
          + " (x%.2f); resolving the %d starter cards against the folder: median %.1f ms (%d runs each)%n",
          median(without), median(with), median(with) / median(without), starter.vocabulary().size(),
          median(resolve), runs);
    }
  }

  private static double buildAndPlan(ChatGen.Builder builder, ChatRequest request) {
    long t = System.nanoTime();
    try (ChatGen chatGen = builder.build()) {
      chatGen.plan(request);
    }
    return (System.nanoTime() - t) / 1e6;
  }

  private static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }
}
