package io.chatgen.diffusion.tiny;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatgen.diffusion.tiny.ShapeScene.Colour;
import io.chatgen.diffusion.tiny.ShapeScene.Figure;
import io.chatgen.diffusion.tiny.ShapeScene.Placement;
import io.chatgen.diffusion.tiny.ShapeScene.Style;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ShapeSceneTest {

  /** The 0..255 value of one channel of a rendered pixel. */
  private static int channel(float[] chw, int size, int ch, int x, int y) {
    return Math.round((chw[ch * size * size + y * size + x] + 1) / 2 * 255);
  }

  @Test
  void a_flat_red_circle_is_red_in_the_middle_and_blue_in_the_corners() {
    float[] px = ShapeScene.of(Figure.CIRCLE, Colour.RED, Colour.BLUE, Placement.CENTRE, Style.FLAT).render(64);
    assertThat(new int[] {channel(px, 64, 0, 32, 32), channel(px, 64, 1, 32, 32), channel(px, 64, 2, 32, 32)})
        .containsExactly(220, 40, 40);
    assertThat(new int[] {channel(px, 64, 0, 1, 1), channel(px, 64, 1, 1, 1), channel(px, 64, 2, 1, 1)})
        .containsExactly(40, 80, 220);
  }

  @Test
  void a_figure_on_the_left_covers_the_left_half_not_the_right() {
    float[] px = ShapeScene.of(Figure.SQUARE, Colour.YELLOW, Colour.BLACK, Placement.LEFT, Style.FLAT).render(64);
    assertThat(channel(px, 64, 0, 18, 32)).isEqualTo(240);
    assertThat(channel(px, 64, 0, 46, 32)).isEqualTo(20);
  }

  @Test
  void outlined_figures_keep_the_background_inside_and_pastel_lightens_both_colours() {
    float[] outlined = ShapeScene.of(Figure.CIRCLE, Colour.RED, Colour.BLUE, Placement.CENTRE, Style.OUTLINED)
        .render(64);
    assertThat(channel(outlined, 64, 2, 32, 32)).isEqualTo(220);
    float[] pastel = ShapeScene.of(Figure.CIRCLE, Colour.RED, Colour.BLUE, Placement.CENTRE, Style.PASTEL).render(64);
    assertThat(channel(pastel, 64, 1, 32, 32)).isEqualTo(Math.round((40 / 255f * 0.5f + 0.5f) * 255));
  }

  @Test
  void coverage_is_the_figure_mask_and_the_loss_weights_favour_it_while_averaging_one() {
    ShapeScene scene = ShapeScene.of(Figure.CIRCLE, Colour.RED, Colour.BLUE, Placement.CENTRE, Style.FLAT);
    float[] cover = scene.coverage(16);
    assertThat(cover[8 * 16 + 8]).isEqualTo(1f);
    assertThat(cover[0]).isEqualTo(0f);
    double area = 0;
    for (float c : cover) {
      area += c;
    }
    assertThat(area / 256).isCloseTo(Math.PI * 0.21 * 0.21, org.assertj.core.data.Offset.offset(0.01));

    long[] latentShape = {4, 16, 16};
    float[] weights = new float[2 + 4 * 256];
    TrainTinyModel.lossWeights(scene, latentShape, 4, weights, 2);
    assertThat(weights[0]).isZero();
    double mean = 0;
    for (int i = 2; i < weights.length; i++) {
      mean += weights[i];
    }
    assertThat(mean / (4 * 256)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
    // inside the figure 1 + 4 times the weight of the background, in every channel
    assertThat(weights[2 + 3 * 256 + 8 * 16 + 8] / weights[2 + 3 * 256]).isCloseTo(5f,
        org.assertj.core.data.Offset.offset(1e-5f));

    float[] plain = new float[4 * 256];
    TrainTinyModel.lossWeights(scene, latentShape, 0, plain, 0);
    assertThat(plain).containsOnly(1f);
  }

  @Test
  void every_figure_is_drawn_with_a_plausible_area() {
    for (Figure f : Figure.values()) {
      float[] px = ShapeScene.of(f, Colour.WHITE, Colour.BLACK, Placement.CENTRE, Style.FLAT).render(64);
      double covered = 0;
      for (int i = 0; i < 64 * 64; i++) {
        covered += (px[i] + 1) / 2;
      }
      double share = covered / (64 * 64) ;
      assertThat(share).as(f.name()).isBetween(0.03, 0.25);
    }
  }

  @Test
  void the_same_seed_gives_the_same_scenes_and_captions() {
    assertThat(sample(7)).isEqualTo(sample(7)).isNotEqualTo(sample(8));
  }

  private static List<String> sample(long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      ShapeScene s = ShapeScene.random(rnd);
      out.add(s + " | " + s.caption(rnd));
    }
    return out;
  }

  @Test
  void captions_name_the_colours_the_figure_and_a_non_centre_position() {
    SplittableRandom rnd = new SplittableRandom(1);
    for (int i = 0; i < 300; i++) {
      ShapeScene s = ShapeScene.random(rnd);
      String c = s.caption(rnd);
      assertThat(c).contains(s.colour().word() + " " + s.figure().word()).contains(s.background().word());
      if (s.placement() == Placement.LEFT) {
        assertThat(c).contains("left");
      }
    }
  }

  @Test
  void rejects_a_figure_in_the_background_colour() {
    assertThatThrownBy(() -> ShapeScene.of(Figure.STAR, Colour.RED, Colour.RED, Placement.TOP, Style.DARK))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("both RED");
  }
}
