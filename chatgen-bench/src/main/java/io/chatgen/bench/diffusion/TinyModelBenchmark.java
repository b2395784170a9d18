package io.chatgen.bench.diffusion;

import io.chatgen.core.BaseArchitecture;
import io.chatgen.core.ChatRequest;
import io.chatgen.core.ConfiguredParams;
import io.chatgen.core.GeneratedImage;
import io.chatgen.core.GenerationParams;
import io.chatgen.core.GenerationPlan;
import io.chatgen.core.ModelCard;
import io.chatgen.core.ModelChoice;
import io.chatgen.core.RewrittenPrompt;
import io.chatgen.core.Sampler;
import io.chatgen.core.spi.DeviceSpec;
import io.chatgen.core.stage.DenoisingProgress;
import io.chatgen.diffusion.generate.StableDiffusionGenerator;
import io.chatgen.diffusion.png.Infotext;
import io.chatgen.diffusion.tiny.ColourCheck;
import io.chatgen.diffusion.tiny.EmbeddedTinyModel;
import io.chatgen.diffusion.tiny.ShapeScene.Colour;
import io.chatgen.diffusion.tiny.ShapeScene.Figure;
import io.chatgen.diffusion.tiny.TinyVocabulary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * How well a tiny-model checkpoint draws what it is asked, and how fast: renders {@code --scenes}
 * prompts "a {colour} {figure} on a {colour} background" (random pairs of different colours, the
 * same list for every checkpoint) at the model's native size and counts how often the centre shows
 * the figure's colour and the border the background's ({@link ColourCheck}); then the two
 * acceptance prompts of issue 9 for seeds 1 to 4; then the median wall time of a 20-step render.
 *
 * <pre>
 * java -cp "examples/target/lib/*" io.chatgen.bench.diffusion.TinyModelBenchmark \
 *   [--checkpoint FILE (default: the embedded model)] [--scenes 60] [--steps 20] [--runs 5] [--cfg 5]
 *   [--sampler NAME] [--out DIR]
 * </pre>
 *
 * A checkpoint other than the embedded one gets the tiny vocabulary written beside it in a temporary
 * folder. {@code --out} writes every picture as a PNG.
 */
public final class TinyModelBenchmark {
  /** What the plans ask for; the generator draws with the given checkpoint whatever the card. */
  private static final ModelCard CARD = new ModelCard(0, 0, "tiny checkpoint under test", BaseArchitecture.SD_1,
      BaseArchitecture.SD_1.label(), List.of(), List.of(), "", List.of(), false, null);

  private TinyModelBenchmark() {}

  public static void main(String[] args) throws IOException {
    Path checkpoint = null;
    int scenes = 60;
    int steps = 20;
    int runs = 5;
    Path out = null;
    Sampler sampler = EmbeddedTinyModel.RECOMMENDED_SAMPLER;
    double cfg = EmbeddedTinyModel.RECOMMENDED_CFG;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--checkpoint" -> checkpoint = Path.of(args[++i]);
        case "--scenes" -> scenes = Integer.parseInt(args[++i]);
        case "--steps" -> steps = Integer.parseInt(args[++i]);
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        case "--sampler" -> sampler = Sampler.lookup(args[++i]);
        case "--cfg" -> cfg = Double.parseDouble(args[++i]);
        default -> {
          System.err.println("usage: TinyModelBenchmark [--checkpoint FILE] [--scenes N] [--steps N] [--runs N]"
              + " [--sampler NAME] [--cfg SCALE] [--out DIR]");
          System.exit(2);
        }
      }
    }
    Path tokenizer;
    if (checkpoint == null) {
      checkpoint = EmbeddedTinyModel.checkpoint();
      tokenizer = EmbeddedTinyModel.tokenizerDir();
    } else {
      // only a checkpoint from elsewhere needs the vocabulary written out
      tokenizer = Files.createTempDirectory("chatgen-tiny-vocab");
      TinyVocabulary.build().write(tokenizer);
    }
    if (out != null) {
      Files.createDirectories(out);
    }
    System.out.println("checkpoint " + checkpoint + ", sampler " + sampler.a1111Name() + ", " + steps + " steps, CFG "
        + cfg);
    try (StableDiffusionGenerator g = StableDiffusionGenerator.builder().checkpoint(checkpoint)
        .tokenizerDir(tokenizer).device(DeviceSpec.cpu()).build()) {
      SplittableRandom rnd = new SplittableRandom(20261126);
      Colour[] colours = Colour.values();
      Figure[] figures = Figure.values();
      int both = 0;
      int centreOk = 0;
      int borderOk = 0;
      for (int i = 0; i < scenes; i++) {
        Colour fg = colours[rnd.nextInt(colours.length)];
        Colour bg;
        do {
          bg = colours[rnd.nextInt(colours.length)];
        } while (bg == fg);
        Figure f = figures[rnd.nextInt(figures.length)];
        String prompt = "a " + fg.word() + " " + f.word() + " on a " + bg.word() + " background";
        GeneratedImage img = render(g, prompt, params(sampler, steps, cfg, 1000 + i));
        boolean c = ColourCheck.matches(ColourCheck.centre(img), fg);
        boolean b = ColourCheck.matches(ColourCheck.border(img), bg);
        centreOk += c ? 1 : 0;
        borderOk += b ? 1 : 0;
        both += c && b ? 1 : 0;
        save(out, "scene-" + i, img);
        System.out.printf(Locale.ROOT, "%-55s centre %s border %s%n", prompt, c ? "ok" : "WRONG", b ? "ok" : "WRONG");
      }
      System.out.printf(Locale.ROOT, "colour accuracy over %d scenes: both %.3f, centre %.3f, border %.3f%n", scenes,
          both / (double) scenes, centreOk / (double) scenes, borderOk / (double) scenes);

      Map<String, Colour[]> acceptance = Map.of("a red circle on a blue background", new Colour[] {Colour.RED, Colour.BLUE},
          "a yellow square on a green background", new Colour[] {Colour.YELLOW, Colour.GREEN});
      for (Map.Entry<String, Colour[]> e : acceptance.entrySet()) {
        StringBuilder line = new StringBuilder(e.getKey() + ":");
        for (long seed = 1; seed <= 4; seed++) {
          GeneratedImage img = render(g, e.getKey(), params(sampler, steps, cfg, seed));
          save(out, e.getKey().replace(' ', '-') + "-" + seed, img);
          line.append(String.format(Locale.ROOT, " seed %d %s (centre hue %.0f, border hue %.0f)", seed,
              ColourCheck.matches(img, e.getValue()[0], e.getValue()[1]) ? "ok" : "WRONG",
              ColourCheck.centre(img)[0] * 360, ColourCheck.border(img)[0] * 360));
        }
        System.out.println(line);
      }

      long[] nanos = new long[runs];
      render(g, "a red circle on a blue background", params(sampler, 20, cfg, 7)); // warm-up
      for (int i = 0; i < runs; i++) {
        long t0 = System.nanoTime();
        render(g, "a red circle on a blue background", params(sampler, 20, cfg, 7 + i));
        nanos[i] = System.nanoTime() - t0;
      }
      Arrays.sort(nanos);
      System.out.printf(Locale.ROOT, "20-step render at %dx%d: median %.3f s over %d runs (min %.3f, max %.3f)%n",
          EmbeddedTinyModel.NATIVE_WIDTH, EmbeddedTinyModel.NATIVE_HEIGHT, nanos[runs / 2] / 1e9, runs,
          nanos[0] / 1e9, nanos[runs - 1] / 1e9);
    }
  }

  private static GenerationParams params(Sampler sampler, int steps, double cfg, long seed) {
    return new GenerationParams(sampler, steps, cfg, 1, EmbeddedTinyModel.NATIVE_WIDTH,
        EmbeddedTinyModel.NATIVE_HEIGHT, seed, null);
  }

  private static GeneratedImage render(StableDiffusionGenerator g, String prompt, GenerationParams params) {
    GenerationPlan plan = new GenerationPlan(ChatRequest.of(prompt), new RewrittenPrompt(prompt, ""),
        ModelChoice.forced(CARD), ConfiguredParams.of(params), Map.of(), Map.of(),
        List.of());
    return g.generate(plan, DenoisingProgress.NONE);
  }

  private static void save(Path out, String name, GeneratedImage img) throws IOException {
    if (out != null) {
      Files.write(out.resolve(name + ".png"), Infotext.png(img));
    }
  }
}
