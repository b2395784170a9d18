package io.chatgen.bench.diffusion;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.jni.JniUtils;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import io.chatgen.core.BaseArchitecture;
import io.chatgen.core.ChatRequest;
import io.chatgen.core.ConfiguredParams;
import io.chatgen.core.GenerationParams;
import io.chatgen.core.GenerationPlan;
import io.chatgen.core.ModelCard;
import io.chatgen.core.ModelChoice;
import io.chatgen.core.RewrittenPrompt;
import io.chatgen.core.Sampler;
import io.chatgen.diffusion.generate.StableDiffusionGenerator;
import io.chatgen.diffusion.model.ModelConfig;
import io.chatgen.diffusion.model.StableDiffusionModel;
import io.chatgen.diffusion.safetensors.SafetensorsFile;
import io.chatgen.diffusion.safetensors.SafetensorsReader;
import io.chatgen.diffusion.tiny.TinyVocabulary;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Times one SD 1.5-sized UNet step (64×64 latents, batch 2 for classifier-free guidance, context
 * [2, 77, 768]), the CLIP text encoder ([2, 77] tokens) and the VAE decoder (one 64×64 latent) on
 * DJL, fp32 on the CPU, and compares with the PyTorch side.
 *
 * <p>The PyTorch side comes first and generates the random weights (none are committed):
 *
 * <pre>
 * /usr/bin/python3 chatgen-bench/src/main/python/diffusion/unet_bench.py --out /tmp/chatgen-sd15 --runs 3
 * </pre>
 *
 * It times the same computation in PyTorch eager mode and writes {@code sd15-random.safetensors}
 * (the checkpoint, LDM layout, F32), {@code sd15-io.safetensors} (inputs and PyTorch's outputs) and
 * {@code python-results.json}. Then this class, with the same thread count:
 *
 * <pre>
 * java -Xmx1g -cp ... io.chatgen.bench.diffusion.UnetBenchmark --dir /tmp/chatgen-sd15 --runs 3
 * </pre>
 *
 * loads the checkpoint through {@link StableDiffusionModel#load}, runs {@code --warmup} untimed and
 * {@code --runs} timed calls of each part ({@code --parts}), checks that its outputs agree with
 * PyTorch's where the Python side computed them (norm relative error), reports medians of wall and
 * process CPU time, the DJL/PyTorch ratios and the peak resident set (VmHWM), and writes
 * {@code java-results.json}. {@code --parts image} instead times whole 20-step 512x512 renders
 * (DPM++ 2M Karras, CFG 7, VAE decode included) through {@code StableDiffusionGenerator} on the
 * same checkpoint, as a user's request runs; {@code unet_bench.py --no-save --parts image} times the
 * same render in PyTorch (the same sampler and schedule written out in Python, random token ids) and
 * the ratio is reported when its {@code python-results.json} is in {@code --dir}. Run nothing else
 * heavy at the same time: on a shared 2-core machine
 * wall times follow the load of other processes (the load average is recorded); CPU time is the
 * steadier number.
 */
public final class UnetBenchmark {
  private UnetBenchmark() {}

  public static void main(String[] args) throws IOException {
    Path dir = Path.of("/tmp/chatgen-sd15");
    int runs = 3;
    int threads = Runtime.getRuntime().availableProcessors();
    int warmup = 1;
    List<String> parts = List.of("unet", "text", "vae");
    int imageSize = 512;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--dir" -> dir = Path.of(args[++i]);
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--threads" -> threads = Integer.parseInt(args[++i]);
        case "--warmup" -> warmup = Integer.parseInt(args[++i]);
        case "--parts" -> parts = List.of(args[++i].split(","));
        case "--image-size" -> imageSize = Integer.parseInt(args[++i]);
        default -> {
          System.err.println("usage: UnetBenchmark [--dir DIR] [--runs N] [--warmup 0|1] [--threads N]"
              + " [--parts unet,text,vae,image] [--image-size 512]");
          System.exit(2);
        }
      }
    }
    Engine.getEngine("PyTorch");
    JniUtils.setNumThreads(threads);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("engine", Engine.getEngine("PyTorch").getVersion());
    result.put("threads", JniUtils.getNumThreads());
    result.put("runs", runs);
    result.put("warmup", warmup);
    result.put("load_average_at_start", loadAverage());

    if (parts.contains("image")) {
      measureImage(dir, result, runs, imageSize);
    }
    if (parts.stream().anyMatch(p -> !p.equals("image"))) {
      measureParts(dir, result, parts, runs, warmup);
    }
    result.put("peak_rss_mb", peakRssMb());
    result.put("load_average_at_end", loadAverage());

    Path py = dir.resolve("python-results.json");
    if (Files.exists(py)) {
      JsonObject p = new Gson().fromJson(Files.readString(py, StandardCharsets.UTF_8), JsonObject.class);
      for (String part : List.of("unet_step", "text_encoder", "vae_decode", "image_20_steps")) {
        if (!p.has(part + "_median_s") || !result.containsKey(part + "_median_s")) {
          continue;
        }
        double pyMedian = p.get(part + "_median_s").getAsDouble();
        double djl = (Double) result.get(part + "_median_s");
        result.put(part + "_pytorch_median_s", pyMedian);
        result.put(part + "_ratio_djl_over_pytorch", djl / pyMedian);
        if (p.has(part + "_cpu_median_s")) {
          double pyCpu = p.get(part + "_cpu_median_s").getAsDouble();
          result.put(part + "_pytorch_cpu_median_s", pyCpu);
          result.put(part + "_cpu_ratio_djl_over_pytorch", (Double) result.get(part + "_cpu_median_s") / pyCpu);
        }
      }
      if (p.has("peak_rss_mb")) {
        result.put("pytorch_peak_rss_mb", p.get("peak_rss_mb").getAsDouble());
      }
      result.put("pytorch_matmul_gflops", p.get("blas_gflops_1024").getAsDouble());
      result.put("pytorch_version", p.get("torch").getAsString());
      result.put("pytorch_threads", p.get("threads").getAsInt());
    }
    String json = new GsonBuilder().setPrettyPrinting().create().toJson(result);
    Files.writeString(dir.resolve("java-results.json"), json, StandardCharsets.UTF_8);
    System.out.println(json);
  }

  /** Parts {@code unet}, {@code text}, {@code vae}: each model call on PyTorch's saved inputs. */
  private static void measureParts(Path dir, Map<String, Object> result, List<String> parts, int runs, int warmup)
      throws IOException {
    long t0 = System.nanoTime();
    try (StableDiffusionModel model =
            StableDiffusionModel.load(dir.resolve("sd15-random.safetensors"), Device.cpu(), DataType.FLOAT32);
        SafetensorsFile io = SafetensorsReader.open(dir.resolve("sd15-io.safetensors"));
        NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      double loadS = (System.nanoTime() - t0) / 1e9;
      ModelConfig c = model.config();
      result.put("load_s", loadS);
      result.put("config", c.toString());
      System.out.printf("loaded in %.1f s: %s%n", loadS, c);

      NDArray latents = io.read("unet.latents", manager);
      NDArray timesteps = io.read("unet.timesteps", manager);
      NDArray context = io.read("unet.context", manager);
      if (parts.contains("unet")) {
        measure(result, "unet_step", runs, warmup, () -> model.predictNoise(latents, timesteps, context),
            optional(io, "unet.out", manager));
      }
      NDArray ids = io.read("text.ids", manager);
      if (parts.contains("text")) {
        measure(result, "text_encoder", runs, warmup, () -> model.encodeText(ids, 1),
            optional(io, "text.out", manager));
      }
      NDArray z = io.read("vae.latents", manager);
      if (parts.contains("vae")) {
        measure(result, "vae_decode", runs, warmup, () -> model.decodeLatents(z), optional(io, "vae.out", manager));
      }
    }
  }

  /**
   * Part {@code image}: a whole 20-step text-to-image render at {@code --image-size} (512: 64x64
   * latents with SD's VAE; a checkpoint with a smaller VAE factor needs a smaller size; batch 2
   * for classifier-free guidance at CFG 7, DPM++ 2M Karras, VAE decode included) through
   * {@link StableDiffusionGenerator}, as a user's request runs. Random weights, so the picture is
   * noise; the tokenizer is the tiny model's vocabulary (its ids fit any SD text embedding).
   */
  private static void measureImage(Path dir, Map<String, Object> result, int runs, int size) throws IOException {
    Path tok = Files.createTempDirectory("chatgen-bench-tok");
    TinyVocabulary.build().write(tok);
    ModelCard card = new ModelCard(0, 0, "random SD 1.5-size weights", BaseArchitecture.SD_1,
        BaseArchitecture.SD_1.label(), List.of(), List.of(), "", List.of(), false, null);
    GenerationParams params = new GenerationParams(Sampler.DPMPP_2M_KARRAS, 20, 7.0, 1, size, size, 42, null);
    GenerationPlan plan = new GenerationPlan(ChatRequest.of("a red circle"), new RewrittenPrompt("a red circle", "blurry"),
        ModelChoice.forced(card), ConfiguredParams.of(params), Map.of(), Map.of(), List.of());
    List<Double> times = new ArrayList<>();
    List<Double> cpu = new ArrayList<>();
    try (StableDiffusionGenerator g = StableDiffusionGenerator.builder().checkpoint(dir.resolve("sd15-random.safetensors"))
        .tokenizerDir(tok).device(io.chatgen.core.spi.DeviceSpec.cpu()).build()) {
      for (int i = 0; i < runs; i++) {
        long s = System.nanoTime();
        long c = processCpuNanos();
        g.generate(plan, (step, total) -> System.out.printf("image step %d/%d at %.1f s%n", step, total,
            (System.nanoTime() - s) / 1e9));
        times.add((System.nanoTime() - s) / 1e9);
        cpu.add((processCpuNanos() - c) / 1e9);
        System.out.printf("image_20_steps run %d: %.1f s wall, %.1f s CPU (model load included in run 1)%n", i + 1,
            times.get(i), cpu.get(i));
      }
    }
    result.put("image_20_steps_s", times);
    result.put("image_20_steps_cpu_s", cpu);
    result.put("image_20_steps_median_s", median(times));
    result.put("image_20_steps_cpu_median_s", median(cpu));
    result.put("image_size", size);
  }

  /** PyTorch's output when the Python side computed it (it may have timed only some parts). */
  private static @Nullable NDArray optional(SafetensorsFile io, String name, NDManager manager) {
    return io.info(name).isPresent() ? io.read(name, manager) : null;
  }

  private static void measure(Map<String, Object> result, String name, int runs, int warmup,
      Supplier<NDArray> call, @Nullable NDArray expected) {
    List<Double> times = new ArrayList<>();
    List<Double> cpu = new ArrayList<>();
    for (int i = -warmup; i < runs; i++) {
      long s = System.nanoTime();
      long c = processCpuNanos();
      try (NDArray out = call.get()) {
        double wall = (System.nanoTime() - s) / 1e9;
        double cpuS = (processCpuNanos() - c) / 1e9;
        if (expected != null && i == runs - 1) {
          result.put(name + "_rel_error_vs_pytorch", relativeError(out, expected));
        }
        System.out.printf("%s %s: %.3f s wall, %.3f s CPU%n", name, i < 0 ? "warm-up" : "run " + (i + 1), wall, cpuS);
        if (i < 0) {
          result.put(name + "_warmup_s", wall);
        } else {
          times.add(wall);
          cpu.add(cpuS);
        }
      }
    }
    result.put(name + "_s", times);
    result.put(name + "_cpu_s", cpu);
    result.put(name + "_median_s", median(times));
    result.put(name + "_cpu_median_s", median(cpu));
  }

  /** CPU time of the whole process (all engine threads), less sensitive than wall time to other load. */
  private static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return 0;
  }

  private static double loadAverage() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  private static double relativeError(NDArray actual, NDArray expected) {
    try (NDArray d = actual.sub(expected); NDArray dn = d.norm(); NDArray en = expected.norm()) {
      return dn.getFloat() / (double) en.getFloat();
    }
  }

  private static double median(List<Double> values) {
    List<Double> s = new ArrayList<>(values);
    s.sort(Double::compare);
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
  }

  /** Peak resident set size (VmHWM) of this process in MiB, or NaN where /proc is unavailable. */
  static double peakRssMb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return Double.NaN;
    }
    return Double.NaN;
  }
}
