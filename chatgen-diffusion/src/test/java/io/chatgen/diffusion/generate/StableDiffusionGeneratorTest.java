package io.chatgen.diffusion.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.Gson;
import io.chatgen.core.BaseArchitecture;
import io.chatgen.core.ChatRequest;
import io.chatgen.core.ConfiguredParams;
import io.chatgen.core.GeneratedImage;
import io.chatgen.core.GenerationCancelledException;
import io.chatgen.core.GenerationParams;
import io.chatgen.core.GenerationPlan;
import io.chatgen.core.InvalidRequestException;
import io.chatgen.core.ModelCard;
import io.chatgen.core.ModelChoice;
import io.chatgen.core.ModelFile;
import io.chatgen.core.ModelLoadException;
import io.chatgen.core.ReferenceImage;
import io.chatgen.core.RewrittenPrompt;
import io.chatgen.core.Sampler;
import io.chatgen.core.spi.DeviceSpec;
import io.chatgen.core.stage.DenoisingProgress;
import io.chatgen.diffusion.checkpoint.CheckpointHashes;
import io.chatgen.diffusion.png.Infotext;
import io.chatgen.diffusion.sampling.NoiseSchedule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generator's orchestration on an analytic fake model: fast, every path checked. */
class StableDiffusionGeneratorTest {
  static final GenerationParams PARAMS = new GenerationParams(Sampler.EULER_A, 5, 7.0, 1, 64, 72, 1234, null);

  @TempDir Path models;
  final List<FakeDiffusionModel> loadedModels = new ArrayList<>();
  final List<Path> loadedFiles = new ArrayList<>();

  @BeforeEach
  void install() throws IOException {
    Files.writeString(models.resolve("tiny.safetensors"), "fake weights A");
    Files.writeString(models.resolve("other.safetensors"), "fake weights B");
    writeCharacterTokenizer(models);
  }

  StableDiffusionGenerator.Builder builder() {
    return StableDiffusionGenerator.builder().device(DeviceSpec.cpu()).loader((file, device, half) -> {
      FakeDiffusionModel m = new FakeDiffusionModel();
      loadedModels.add(m);
      loadedFiles.add(file);
      return m;
    });
  }

  /** CLIP layout: 256 byte symbols, the same with </w>, then BOS and EOS (514 tokens, no merges). */
  static void writeCharacterTokenizer(Path dir) throws IOException {
    Map<String, Integer> vocab = new LinkedHashMap<>();
    List<Character> chars = new ArrayList<>();
    int n = 0;
    for (int b = 0; b < 256; b++) {
      boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || b >= 0xAE;
      chars.add(printable ? (char) b : (char) (256 + n++));
    }
    for (char c : chars) {
      vocab.put(String.valueOf(c), vocab.size());
    }
    for (char c : chars) {
      vocab.put(c + "</w>", vocab.size());
    }
    vocab.put("<|startoftext|>", vocab.size());
    vocab.put("<|endoftext|>", vocab.size());
    Files.writeString(dir.resolve("vocab.json"), new Gson().toJson(vocab), StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("merges.txt"), "#version: 0.2\n", StandardCharsets.UTF_8);
  }

  static ModelCard card(String fileName, @Nullable String sha256) {
    return new ModelCard(7, 8, "Tiny", BaseArchitecture.SD_1, "SD 1.5", List.of(), List.of(), "",
        List.of(new ModelFile(fileName, 1, "Model", "SafeTensor", "fp16", sha256, null)), false, null);
  }

  static GenerationPlan plan(ChatRequest request, String prompt, String negative, GenerationParams params, ModelCard card) {
    return new GenerationPlan(request, new RewrittenPrompt(prompt, negative), ModelChoice.forced(card),
        ConfiguredParams.of(params), Map.of(), Map.of(), List.of());
  }

  static GenerationPlan plan(GenerationParams params) {
    return plan(ChatRequest.of("a red fox"), "a (red:1.3) fox, snow", "blurry", params, card("tiny.safetensors", null));
  }

  @Test
  void same_plan_and_seed_give_identical_pixels_and_png_bytes_with_progress_per_step() {
    try (StableDiffusionGenerator g = builder().modelsDir(models).build()) {
      List<int[]> steps = new ArrayList<>();
      GeneratedImage a = g.generate(plan(PARAMS), (step, total) -> steps.add(new int[] {step, total}));
      GeneratedImage b = g.generate(plan(PARAMS));
      assertThat(a.width()).isEqualTo(64);
      assertThat(a.height()).isEqualTo(72);
      assertThat(a.rgb()).containsExactly(b.rgb());
      assertThat(Infotext.png(a)).isEqualTo(Infotext.png(b));
      assertThat(steps).extracting(s -> s[0]).containsExactly(1, 2, 3, 4, 5);
      assertThat(steps).extracting(s -> s[1]).containsOnly(5);
      assertThat(a.drawnWith().name()).isEqualTo("Tiny");
      assertThat(a.notes()).isEmpty();
      assertThat(loadedModels).hasSize(1); // the model stays loaded between requests
      assertThat(loadedModels.get(0).openUnets).isZero();
      assertThat(loadedModels.get(0).unetCalls).isEqualTo(10);
    }
    assertThat(loadedModels.get(0).closed).isTrue();
  }

  @Test
  void starting_latents_are_java_util_random_gaussians_of_the_seed_times_sigma_max() {
    try (StableDiffusionGenerator g = builder().modelsDir(models).build()) {
      g.generate(plan(PARAMS.withSampler(Sampler.EULER)));
      FakeDiffusionModel m = loadedModels.get(0);
      m.zeroNoise = true; // Euler with zero noise keeps x = sigma_max * noise
      g.generate(plan(PARAMS.withSampler(Sampler.EULER)));
      double[] latents = m.decoded.get(1);
      assertThat(latents).hasSize(4 * 9 * 8);
      Random r = new Random(1234);
      double sigmaMax = NoiseSchedule.stableDiffusion().sigmaMax();
      for (double v : latents) {
        assertThat(v).isCloseTo(r.nextGaussian() * sigmaMax, within(1e-12));
      }
    }
  }

  @Test
  void seed_prompt_negative_prompt_cfg_and_clip_skip_all_change_the_image() {
    try (StableDiffusionGenerator g = builder().modelsDir(models).build()) {
      int[] base = g.generate(plan(PARAMS)).rgb();
      assertThat(g.generate(plan(PARAMS.withSeed(1235))).rgb()).isNotEqualTo(base);
      assertThat(g.generate(plan(PARAMS.withCfgScale(3))).rgb()).isNotEqualTo(base);
      assertThat(g.generate(plan(ChatRequest.of("x"), "a (red:1.3) fox, snow", "", PARAMS, card("tiny.safetensors", null))).rgb())
          .isNotEqualTo(base);
      assertThat(g.generate(plan(ChatRequest.of("x"), "a red fox, snow", "blurry", PARAMS, card("tiny.safetensors", null))).rgb())
          .isNotEqualTo(base);
      assertThat(g.generate(plan(PARAMS.withClipSkip(2))).rgb()).isNotEqualTo(base);
      assertThat(loadedModels.get(0).clipSkips).contains(1, 2);
    }
  }

  @Test
  void image_to_image_uses_the_reference_and_runs_a1111s_step_count() {
    int[] px = new int[48 * 40];
    for (int i = 0; i < px.length; i++) {
      px[i] = (i % 48) * 5 << 16 | (i / 48) * 6 << 8 | 0x40;
    }
    ChatRequest req = ChatRequest.of("make it snowy").withImages(List.of(new ReferenceImage(48, 40, px, "ref.png")));
    ChatRequest dark = ChatRequest.of("make it snowy").withImages(List.of(new ReferenceImage(48, 40, new int[48 * 40], "black.png")));
    GenerationParams p = PARAMS.withSteps(10).withDenoisingStrength(0.5);
    try (StableDiffusionGenerator g = builder().modelsDir(models).build()) {
      List<Integer> totals = new ArrayList<>();
      GeneratedImage img = g.generate(plan(req, "snow", "", p, card("tiny.safetensors", null)), (step, total) -> totals.add(total));
      assertThat(totals).hasSize(6).containsOnly(6); // int(0.5 * 10) + 1, as A1111
      assertThat(img.notes()).isEmpty();
      assertThat(g.generate(plan(dark, "snow", "", p, card("tiny.safetensors", null))).rgb()).isNotEqualTo(img.rgb());
      GeneratedImage txt = g.generate(plan(ChatRequest.of("x"), "snow", "", p, card("tiny.safetensors", null)));
      assertThat(txt.notes()).anySatisfy(n -> assertThat(n).contains("no reference image"));
      assertThat(Infotext.of(img).denoisingStrength()).hasValue(0.5);
    }
  }

  @Test
  void cancelling_stops_the_render_and_leaves_the_generator_usable() {
    DenoisingProgress cancelAtTwo = new DenoisingProgress() {
      int seen;

      @Override
      public void onStep(int step, int total) {
        seen = step;
      }

      @Override
      public boolean isCancelled() {
        return seen >= 2;
      }
    };
    try (StableDiffusionGenerator g = builder().modelsDir(models).build()) {
      assertThatThrownBy(() -> g.generate(plan(PARAMS), cancelAtTwo))
          .isInstanceOf(GenerationCancelledException.class).hasMessageContaining("2 of 5");
      assertThat(loadedModels.get(0).openUnets).isZero();
      assertThat(g.generate(plan(PARAMS)).rgb()).hasSize(64 * 72);
    }
  }

  @Test
  void resolves_each_plans_checkpoint_and_swaps_models() {
    String shaB = CheckpointHashes.sha256(models.resolve("other.safetensors"));
    try (StableDiffusionGenerator g = builder().modelsDir(models).build()) {
      g.generate(plan(PARAMS));
      GeneratedImage byHash = g.generate(plan(ChatRequest.of("x"), "fox", "", PARAMS, card("renamed-on-civitai.safetensors", shaB)));
      assertThat(loadedFiles).extracting(f -> f.getFileName().toString()).containsExactly("tiny.safetensors", "other.safetensors");
      assertThat(loadedModels.get(0).closed).isTrue();
      assertThat(Infotext.of(byHash).modelHash()).contains(shaB.substring(0, 10).toLowerCase());
      assertThat(Infotext.of(byHash).model()).contains("renamed-on-civitai");
      assertThatThrownBy(() -> g.generate(plan(ChatRequest.of("x"), "fox", "", PARAMS, card("absent.safetensors", null))))
          .isInstanceOf(ModelLoadException.class).hasMessageContaining("absent.safetensors").hasMessageContaining("not installed");
    }
  }

  @Test
  void explicit_checkpoint_is_used_for_every_plan_with_a_note() {
    Path ckpt = models.resolve("tiny.safetensors");
    try (StableDiffusionGenerator g = builder().checkpoint(ckpt).build()) {
      GeneratedImage same = g.generate(plan(PARAMS));
      assertThat(same.notes()).isEmpty();
      GeneratedImage img = g.generate(plan(ChatRequest.of("x"), "fox", "", PARAMS, card("dreamshaper_8.safetensors", null)));
      assertThat(img.notes()).anySatisfy(n -> assertThat(n).contains("tiny.safetensors").contains("Tiny (7/8)"));
      assertThat(img.drawnWith().name()).isEqualTo("tiny");
      Infotext info = Infotext.readPng(Infotext.png(img)).orElseThrow();
      assertThat(info.text()).isEqualTo("fox\nSteps: 5, Sampler: Euler a, CFG scale: 7, Seed: 1234, Size: 64x72, "
          + "Model hash: " + CheckpointHashes.autoV2(ckpt).toLowerCase() + ", Model: tiny");
      assertThat(loadedModels).hasSize(1);
    }
  }

  @Test
  void a_stand_in_model_draws_at_its_own_size_and_guidance_and_says_so() {
    Path ckpt = models.resolve("other.safetensors");
    ModelCard demo = new ModelCard(0, 0, "Demo model", BaseArchitecture.SD_1, "SD 1.5", List.of(), List.of(), "",
        List.of(new ModelFile("other.safetensors", 1, "Model", "SafeTensor", "fp16", null, null)), false, null);
    try (StableDiffusionGenerator g = builder().checkpoint(ckpt, demo).renderAt(64, 80, 5.0).build()) {
      GeneratedImage img = g.generate(plan(PARAMS));
      assertThat(img.width()).isEqualTo(64);
      assertThat(img.height()).isEqualTo(80);
      assertThat(img.drawnWith()).isEqualTo(demo);
      assertThat(img.plan().generationParams().cfgScale()).isEqualTo(5.0);
      assertThat(img.plan().generationParams().seed()).isEqualTo(PARAMS.seed());
      assertThat(img.plan().generationParams().sampler()).isEqualTo(PARAMS.sampler());
      assertThat(img.notes()).anySatisfy(n -> assertThat(n).startsWith("Demo model drew this picture")
          .contains("Tiny (7/8)"));
      assertThat(img.notes()).anySatisfy(n -> assertThat(n)
          .isEqualTo("drawn at 64x80 with CFG 5, what Demo model was trained for, instead of the planned 64x72 with CFG 7"));
      Infotext info = Infotext.readPng(Infotext.png(img)).orElseThrow();
      assertThat(info.text()).contains("Size: 64x80").contains("CFG scale: 5");
    }
    try (StableDiffusionGenerator g = builder().checkpoint(ckpt, demo).promptFromRequest(true).build()) {
      GeneratedImage img = g.generate(plan(PARAMS));
      assertThat(img.plan().prompt().prompt()).isEqualTo("a red fox");
      assertThat(img.plan().prompt().negativePrompt()).isEmpty();
      assertThat(img.notes()).anySatisfy(n -> assertThat(n).contains("plain captions only").contains("\"a red fox\""));
      ChatRequest followUp = ChatRequest.of("a red fox").followUp("in the snow");
      GeneratedImage two = g.generate(plan(followUp, "fox, snow", "blurry", PARAMS, card("tiny.safetensors", null)));
      assertThat(two.plan().prompt().prompt()).isEqualTo("a red fox, in the snow");
    }
    assertThatThrownBy(() -> builder().renderAt(0, 64, 5)).isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("0x64");
  }

  @Test
  void samplers_to_avoid_render_with_dpmpp_2m_karras_and_say_so() {
    try (StableDiffusionGenerator g = builder().modelsDir(models).avoidSamplers(java.util.Set.of(Sampler.EULER_A)).build()) {
      GeneratedImage img = g.generate(plan(PARAMS));
      assertThat(img.plan().generationParams().sampler()).isEqualTo(Sampler.DPMPP_2M_KARRAS);
      assertThat(img.notes()).anySatisfy(n -> assertThat(n).startsWith("sampler Euler a renders badly"));
      GeneratedImage other = g.generate(plan(PARAMS.withSampler(Sampler.EULER)));
      assertThat(other.plan().generationParams().sampler()).isEqualTo(Sampler.EULER);
      assertThat(other.notes()).isEmpty();
    }
    try (StableDiffusionGenerator g = builder().modelsDir(models)
        .avoidSamplers(java.util.Set.of(Sampler.DPMPP_2M_KARRAS), Sampler.EULER_A).build()) {
      GeneratedImage img = g.generate(plan(PARAMS.withSampler(Sampler.DPMPP_2M_KARRAS)));
      assertThat(img.plan().generationParams().sampler()).isEqualTo(Sampler.EULER_A);
      assertThat(img.notes()).anySatisfy(n -> assertThat(n).contains("rendered with Euler a"));
    }
    assertThatThrownBy(() -> builder().avoidSamplers(java.util.Set.of(Sampler.EULER_A), Sampler.EULER_A))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("Euler a");
  }

  @Test
  void unimplemented_samplers_render_with_dpmpp_2m_karras_and_say_so() {
    try (StableDiffusionGenerator g = builder().modelsDir(models).build()) {
      GeneratedImage img = g.generate(plan(PARAMS.withSampler(Sampler.DPM_ADAPTIVE)));
      assertThat(img.notes()).anySatisfy(n -> assertThat(n).contains("DPM adaptive").contains("DPM++ 2M Karras"));
      assertThat(img.plan().generationParams().sampler()).isEqualTo(Sampler.DPMPP_2M_KARRAS);
      assertThat(Infotext.of(img).sampler()).contains(Sampler.DPMPP_2M_KARRAS);
      assertThat(img.rgb()).containsExactly(g.generate(plan(PARAMS.withSampler(Sampler.DPMPP_2M_KARRAS))).rgb());
    }
  }

  @Test
  void device_and_half_precision_pass_through_to_the_model_load() {
    List<Object[]> loads = new ArrayList<>();
    try (StableDiffusionGenerator g = StableDiffusionGenerator.builder().modelsDir(models)
        .device(DeviceSpec.gpu(1)).halfPrecision(true)
        .loader((file, device, half) -> {
          loads.add(new Object[] {device, half});
          return new FakeDiffusionModel();
        }).build()) {
      g.generate(plan(PARAMS));
      assertThat(g.describe()).contains("gpu").contains("fp16");
    }
    assertThat(loads).hasSize(1);
    assertThat(loads.get(0)).containsExactly(DeviceSpec.gpu(1), true);
  }

  @Test
  void bad_requests_and_missing_files_are_typed_errors(@TempDir Path bare) throws IOException {
    try (StableDiffusionGenerator g = builder().modelsDir(models).substituteUnsupportedSamplers(false).build()) {
      assertThatThrownBy(() -> g.generate(plan(PARAMS.withSampler(Sampler.DPM_FAST))))
          .isInstanceOf(InvalidRequestException.class).hasMessageContaining("supported samplers");
      assertThatThrownBy(() -> g.generate(plan(PARAMS.withClipSkip(3))))
          .isInstanceOf(InvalidRequestException.class).hasMessageContaining("clip skip");
    }
    assertThatThrownBy(() -> StableDiffusionGenerator.builder().build()).isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(() -> StableDiffusionGenerator.builder().checkpoint(models.resolve("nope.safetensors")).build())
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("nope");
    Path lone = Files.writeString(bare.resolve("lone.safetensors"), "x");
    try (StableDiffusionGenerator g = builder().checkpoint(lone).build()) {
      assertThatThrownBy(() -> g.generate(plan(PARAMS)))
          .isInstanceOf(ModelLoadException.class).hasMessageContaining("vocab.json");
    }
    StableDiffusionGenerator closed = builder().modelsDir(models).build();
    closed.close();
    assertThatThrownBy(() -> closed.generate(plan(PARAMS))).isInstanceOf(IllegalStateException.class);
  }
}
