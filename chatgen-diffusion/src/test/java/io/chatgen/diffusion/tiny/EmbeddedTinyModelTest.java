package io.chatgen.diffusion.tiny;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.chatgen.core.ChatRequest;
import io.chatgen.core.ConfiguredParams;
import io.chatgen.core.GeneratedImage;
import io.chatgen.core.GenerationParams;
import io.chatgen.core.GenerationPlan;
import io.chatgen.core.ModelChoice;
import io.chatgen.core.RewrittenPrompt;
import io.chatgen.core.Sampler;
import io.chatgen.core.spi.DeviceSpec;
import io.chatgen.core.stage.DenoisingProgress;
import io.chatgen.diffusion.generate.StableDiffusionGenerator;
import io.chatgen.diffusion.sampling.DiffusionSampler;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shipped tiny checkpoint through the real generator (tokenizer, A1111 conditioning, k-diffusion
 * samplers with classifier-free guidance, VAE decode): it must draw the colours it is asked for
 * where they belong. The two figure tests are the acceptance tests of issue 9 as written (a
 * checkpoint the training command drew in 2026-11 failed the yellow square at seed 1, so they do
 * tell models apart); the background test checks the half that is learned first. Everything is
 * skipped if no checkpoint is shipped.
 */
class EmbeddedTinyModelTest {
  static StableDiffusionGenerator generator;

  @BeforeAll
  static void loadShippedModel() {
    assumeTrue(EmbeddedTinyModel.isAvailable(), "no trained tiny checkpoint is shipped in "
        + EmbeddedTinyModel.RESOURCE_DIR + " yet; run TrainTinyModel");
    generator = StableDiffusionGenerator.builder().checkpoint(EmbeddedTinyModel.checkpoint())
        .device(DeviceSpec.cpu()).build();
  }

  @AfterAll
  static void close() {
    if (generator != null) {
      generator.close();
    }
  }

  static GeneratedImage render(String prompt, GenerationParams params) {
    GenerationPlan plan = new GenerationPlan(ChatRequest.of(prompt), new RewrittenPrompt(prompt, ""),
        ModelChoice.forced(EmbeddedTinyModel.modelCard()), ConfiguredParams.of(params), Map.of(), Map.of(),
        List.of());
    return generator.generate(plan, DenoisingProgress.NONE);
  }

  static void assertColours(GeneratedImage img, String what, ShapeScene.Colour figure,
      ShapeScene.Colour background) {
    float[] centre = ColourCheck.centre(img);
    float[] border = ColourCheck.border(img);
    double centreHue = ColourCheck.hueDegrees(figure);
    double borderHue = ColourCheck.hueDegrees(background);
    assertThat(centre[1]).as(what + ": centre saturation").isGreaterThan(ColourCheck.MIN_SATURATION);
    assertThat(ColourCheck.hueDistance(centre[0], centreHue)).as(what + ": centre hue " + centre[0] * 360)
        .isLessThan(ColourCheck.MAX_HUE_DEGREES);
    assertThat(border[1]).as(what + ": border saturation").isGreaterThan(ColourCheck.MIN_SATURATION);
    assertThat(ColourCheck.hueDistance(border[0], borderHue)).as(what + ": border hue " + border[0] * 360)
        .isLessThan(ColourCheck.MAX_HUE_DEGREES);
  }

  @Test
  void the_shipped_files_are_on_the_classpath_and_small() throws Exception {
    assertThat(EmbeddedTinyModel.isAvailable()).isTrue();
    assertThat(Files.size(EmbeddedTinyModel.checkpoint())).isLessThan(8L << 20);
    assertThat(EmbeddedTinyModel.tokenizerDir().resolve("vocab.json")).isRegularFile();
    assertThat(EmbeddedTinyModel.modelCard().description()).startsWith(
        "ChatGen tiny demo model: trained on procedural shapes, not a community checkpoint");
    assertThat(EmbeddedTinyModel.modelCard().files().get(0).sha256()).isEqualTo(EmbeddedTinyModel.sha256());
  }

  /**
   * What the shipped model has learned: the background follows the prompt (the border ring's hue is
   * the asked background colour, saturated), over both acceptance prompts and two seeds.
   */
  @Test
  void the_background_follows_the_prompt() {
    for (long seed = 1; seed <= 2; seed++) {
      GeneratedImage red = render("a red circle on a blue background", EmbeddedTinyModel.recommendedParams(seed));
      assertThat(ColourCheck.matches(ColourCheck.border(red), ShapeScene.Colour.BLUE)).as("blue border, seed " + seed
          + ", hue " + ColourCheck.border(red)[0] * 360).isTrue();
      GeneratedImage yellow = render("a yellow square on a green background", EmbeddedTinyModel.recommendedParams(seed));
      assertThat(ColourCheck.matches(ColourCheck.border(yellow), ShapeScene.Colour.GREEN)).as("green border, seed "
          + seed + ", hue " + ColourCheck.border(yellow)[0] * 360).isTrue();
    }
  }

  @Test
  void a_red_circle_on_a_blue_background_is_red_in_the_centre_and_blue_at_the_border() {
    for (long seed : new long[] {1, 2}) {
      GeneratedImage img = render("a red circle on a blue background", EmbeddedTinyModel.recommendedParams(seed));
      assertColours(img, "red circle, seed " + seed, ShapeScene.Colour.RED, ShapeScene.Colour.BLUE);
    }
  }

  @Test
  void a_yellow_square_on_a_green_background_is_yellow_in_the_centre_and_green_at_the_border() {
    for (long seed : new long[] {1, 2}) {
      GeneratedImage img = render("a yellow square on a green background", EmbeddedTinyModel.recommendedParams(seed));
      assertColours(img, "yellow square, seed " + seed, ShapeScene.Colour.YELLOW,
          ShapeScene.Colour.GREEN);
    }
  }

  @Test
  void the_same_seed_gives_identical_pixels_and_another_seed_a_different_image() {
    GenerationParams params = EmbeddedTinyModel.recommendedParams(42);
    GeneratedImage a = render("a pastel purple star on a black background", params);
    GeneratedImage b = render("a pastel purple star on a black background", params);
    GeneratedImage c = render("a pastel purple star on a black background", params.withSeed(43));
    assertThat(b.rgb()).isEqualTo(a.rgb());
    assertThat(c.rgb()).isNotEqualTo(a.rgb());
    int differing = 0;
    for (int i = 0; i < a.rgb().length; i++) {
      if (a.rgb()[i] != c.rgb()[i]) {
        differing++;
      }
    }
    assertThat(differing).as("pixels that differ between seeds 42 and 43").isGreaterThan(a.rgb().length / 20);
  }

  /** The samplers that do not work on the shipped tiny model yet (issue 9 stays open for them). */
  static final java.util.Set<Sampler> NOT_YET_WORKING = EmbeddedTinyModel.UNRELIABLE_SAMPLERS;

  @Test
  void every_other_sampler_of_the_diffusion_stage_draws_the_red_circle_on_blue() {
    List<String> wrong = new java.util.ArrayList<>();
    for (Sampler s : DiffusionSampler.supported()) {
      if (NOT_YET_WORKING.contains(s)) {
        continue;
      }
      GeneratedImage img = render("a red circle on a blue background",
          EmbeddedTinyModel.recommendedParams(7).withSampler(s));
      float[] centre = ColourCheck.centre(img);
      float[] border = ColourCheck.border(img);
      if (!ColourCheck.matches(centre, ShapeScene.Colour.RED) || !ColourCheck.matches(border, ShapeScene.Colour.BLUE)) {
        wrong.add(String.format(java.util.Locale.ROOT, "%s (centre hue %.0f saturation %.2f, border hue %.0f"
            + " saturation %.2f)", s.a1111Name(), centre[0] * 360, centre[1], border[0] * 360, border[1]));
      }
    }
    assertThat(wrong).as("samplers whose picture is not a red centre on a blue border").isEmpty();
  }
}
