package io.chatgen.examples.cli;

import io.chatgen.core.ChatGenException;
import io.chatgen.core.ChatRequest;
import io.chatgen.core.ConfiguredParams;
import io.chatgen.core.GeneratedImage;
import io.chatgen.core.GenerationParams;
import io.chatgen.core.GenerationPlan;
import io.chatgen.core.InvalidRequestException;
import io.chatgen.core.Param;
import io.chatgen.core.ReferenceImage;
import io.chatgen.core.Sampler;
import io.chatgen.core.pipeline.ChatGen;
import io.chatgen.core.spi.DeviceSpec;
import io.chatgen.core.stage.ImageGenerator;
import io.chatgen.diffusion.png.Infotext;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code chatgen}: turns a free-style request into a plan (prompt, model, parameters and why)
 * and renders it to a PNG carrying A1111 {@code parameters} metadata.
 */
@Command(name = "chatgen", mixinStandardHelpOptions = true, version = "chatgen 0.1.0",
    description = {"Turns a free-style request into a professional prompt, picks a checkpoint,",
        "configures it and renders the image. With no request, asks for one and takes follow-ups."},
    sortOptions = false)
public final class ChatGenCommand implements Callable<Integer> {
  static final int EXIT_ERROR = 2;
  static final int EXIT_NO_GENERATOR = 3;
  private static final Pattern SIZE = Pattern.compile("(\\d{2,5})\\s*[xX×]\\s*(\\d{2,5})");

  @Parameters(paramLabel = "REQUEST", description = "What to draw, in your own words.", arity = "0..*")
  List<String> words = new ArrayList<>();

  @Option(names = "--plan-only", description = "Print the plan; do not render.")
  boolean planOnly;

  @Option(names = "--json", description = "Print the plan as JSON.")
  boolean json;

  @Option(names = "--image", paramLabel = "FILE", description = "A reference image (repeatable).")
  List<Path> images = new ArrayList<>();

  @Option(names = "--models-dir", paramLabel = "DIR",
      description = "Folder of local .safetensors checkpoints; selection is restricted to them.")
  @Nullable Path modelsDir;

  @Option(names = "--demos", paramLabel = "FILE", description = "Demonstrations (demos.jsonl format, train split) whose"
      + " prompts the rewriter follows when one is similar to the request.")
  @Nullable Path demos;

  @Option(names = "--out", paramLabel = "FILE", description = "Where to write the PNG (default chatgen-SEED.png).")
  @Nullable Path out;

  @Option(names = "--seed", description = "Override the seed.")
  @Nullable Long seed;

  @Option(names = "--steps", description = "Override the number of steps.")
  @Nullable Integer steps;

  @Option(names = "--sampler", description = "Override the sampler (an A1111 name, e.g. \"Euler a\").")
  @Nullable String sampler;

  @Option(names = "--size", paramLabel = "WxH", description = "Override the size, e.g. 512x768.")
  @Nullable String size;

  @Option(names = "--device", description = "auto, cpu, gpu or gpu:N (default auto).", defaultValue = "auto")
  String device = "auto";

  @Option(names = "--alternatives", description = "Runners-up to show (default 3).", defaultValue = "3")
  int alternatives = 3;

  private final BufferedReader in;
  private final PrintStream stdout;
  private final PrintStream stderr;

  ChatGenCommand(BufferedReader in, PrintStream stdout, PrintStream stderr) {
    this.in = in;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  public static void main(String[] args) {
    System.exit(run(args, new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)),
        System.out, System.err));
  }

  /** Runs the command; returns the exit code. Visible for tests. */
  static int run(String[] args, BufferedReader in, PrintStream stdout, PrintStream stderr) {
    if (System.getProperty("ai.djl.offline") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
    CommandLine cmd = new CommandLine(new ChatGenCommand(in, stdout, stderr));
    cmd.setOut(new PrintWriter(stdout, true));
    cmd.setErr(new PrintWriter(stderr, true));
    cmd.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      stderr.println("chatgen: " + oneLine(e));
      return e instanceof ChatGenException ? EXIT_ERROR : 1;
    });
    cmd.setParameterExceptionHandler((e, args2) -> {
      stderr.println("chatgen: " + e.getMessage() + " (see chatgen --help)");
      return EXIT_ERROR;
    });
    return cmd.execute(args);
  }

  @Override
  public Integer call() throws IOException {
    List<ReferenceImage> refs = new ArrayList<>();
    for (Path p : images) {
      refs.add(ReferenceImage.read(p));
    }
    String first = String.join(" ", words).strip();
    boolean interactive = first.isEmpty();
    if (interactive) {
      first = ask("What would you like to see? ");
      if (first == null || first.isBlank()) {
        stderr.println("chatgen: no request given; pass it as arguments, e.g. chatgen \"a cat on a windowsill\"");
        return EXIT_ERROR;
      }
    }
    ChatGen.Builder builder = ChatGen.builder().device(DeviceSpec.parse(device)).listener(new ProgressBar(stderr));
    if (planOnly && modelsDir == null) {
      // with a models folder the generator stays: it is what restricts selection to the folder (it
      // loads no checkpoint until it draws, which a plan-only run never asks of it)
      builder.withoutGenerator();
    }
    if (modelsDir != null) {
      if (!Files.isDirectory(modelsDir)) {
        throw new InvalidRequestException("--models-dir " + modelsDir + " is not a folder");
      }
      builder.option("models.dir", modelsDir.toString());
    }
    if (demos != null) {
      // the provider checks the file and says what is wrong with it
      builder.option("rewrite.demos", demos.toString());
    }
    // with a models folder the pipeline chooses only among its checkpoints (ChatGen.Builder.restrictToInstalled)
    try (ChatGen chatGen = builder.build()) {
      if (modelsDir != null && chatGen.generator().flatMap(ImageGenerator::installedModels).isEmpty()) {
        throw new InvalidRequestException("--models-dir " + modelsDir + " holds no .safetensors checkpoint: add one,"
            + " or drop --models-dir to plan with every known model");
      }
      ChatRequest request = ChatRequest.of(first).withImages(refs);
      int code = handle(chatGen, request);
      while (interactive && code == 0) {
        String next = ask("Follow-up (empty line to finish): ");
        if (next == null || next.isBlank()) {
          break;
        }
        request = request.followUp(next);
        code = handle(chatGen, request);
      }
      return code;
    }
  }

  private int handle(ChatGen chatGen, ChatRequest request) throws IOException {
    GenerationPlan plan = withOverrides(chatGen.plan(request));
    boolean render = !planOnly;
    if (render && chatGen.generator().isEmpty()) {
      print(plan, "");
      stderr.println("chatgen: cannot render: no checkpoint to draw with. Pass --models-dir with .safetensors "
          + "checkpoints, or --plan-only to stop at the plan.");
      return EXIT_NO_GENERATOR;
    }
    if (!render) {
      print(plan, "");
      return 0;
    }
    Path target = out != null ? out : Path.of("chatgen-" + plan.generationParams().seed() + ".png");
    if (!json) {
      print(plan, "");
    }
    GeneratedImage image = chatGen.generate(plan);
    Path parent = target.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.write(target, Infotext.png(image));
    if (json) {
      stdout.println(PlanFormat.json(image, target.toString()));
    } else {
      image.notes().forEach(n -> stdout.println("note: " + n));
      stdout.printf("image: %s (%dx%d, drawn with %s, %.1f s)%n", target, image.width(), image.height(),
          image.drawnWith().name(), image.renderTime().toMillis() / 1000.0);
    }
    return 0;
  }

  private void print(GenerationPlan plan, String imageFile) {
    stdout.print(json ? PlanFormat.json(plan, imageFile) + "\n" : PlanFormat.text(plan, alternatives));
    stdout.flush();
  }

  /** Applies --seed, --steps, --sampler and --size; each override says so in the reasons. */
  GenerationPlan withOverrides(GenerationPlan plan) {
    GenerationParams p = plan.generationParams();
    Map<Param, String> reasons = new EnumMap<>(Param.class);
    reasons.putAll(plan.params().reasons());
    if (seed != null) {
      p = p.withSeed(seed);
      reasons.put(Param.SEED, "set with --seed");
    }
    if (steps != null) {
      p = p.withSteps(steps);
      reasons.put(Param.STEPS, "set with --steps");
    }
    if (sampler != null) {
      p = p.withSampler(Sampler.lookup(sampler));
      reasons.put(Param.SAMPLER, "set with --sampler");
    }
    if (size != null) {
      Matcher m = SIZE.matcher(size.strip());
      if (!m.matches()) {
        throw new InvalidRequestException("--size must look like 512x768, was \"" + size + "\"");
      }
      p = p.withSize(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
      reasons.put(Param.WIDTH, "set with --size");
      reasons.put(Param.HEIGHT, "set with --size");
    }
    return p.equals(plan.generationParams()) ? plan : plan.withParams(new ConfiguredParams(p, reasons));
  }

  private @Nullable String ask(String question) throws IOException {
    stderr.print(question);
    stderr.flush();
    return in.readLine();
  }

  private static String oneLine(Throwable e) {
    String m = e.getMessage();
    if (m == null || m.isBlank()) {
      m = e.getClass().getSimpleName();
    }
    // lines joined by one space (a regular expression around "\n" would scan long runs of spaces
    // once per space)
    StringBuilder b = new StringBuilder(m.length());
    for (String line : m.split("\n", -1)) {
      String t = b.length() == 0 ? line.stripTrailing() : line.strip();
      if (!t.isEmpty()) {
        b.append(b.length() == 0 ? "" : " ").append(t);
      }
    }
    return b.toString();
  }
}
