package io.chatgen.params;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.chatgen.core.BaseArchitecture;
import io.chatgen.core.InvalidRequestException;
import io.chatgen.core.Param;
import io.chatgen.core.Sampler;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ChatWishesTest {
  private final ParamSchema schema = ParamSchema.forBase(BaseArchitecture.SD_1);

  private ChatWishes parse(String s) {
    return ChatWishes.parse(s, schema);
  }

  @Test
  void reads_explicit_numbers_and_sampler_names() {
    ChatWishes w = parse("A fox in the snow, seed 42, cfg 9, 35 steps, DPM++ 2M Karras, clip skip 2");
    assertThat(w.seed()).isEqualTo(42.0);
    assertThat(w.cfgScale()).isEqualTo(9.0);
    assertThat(w.steps()).isEqualTo(35.0);
    assertThat(w.sampler()).isEqualTo(Sampler.DPMPP_2M_KARRAS);
    assertThat(w.clipSkip()).isEqualTo(2.0);
    assertThat(w.phrases().get(Param.SEED)).contains("seed 42");
  }

  @Test
  void reads_shapes_only_from_explicit_phrases() {
    assertThat(parse("make it a phone wallpaper of a forest").orientation()).isEqualTo(Orientation.PORTRAIT);
    assertThat(parse("a banner for my bakery").orientation()).isEqualTo(Orientation.LANDSCAPE);
    assertThat(parse("desktop wallpaper, neon city").orientation()).isEqualTo(Orientation.LANDSCAPE);
    assertThat(parse("a square picture of a cat").orientation()).isEqualTo(Orientation.SQUARE);
    assertThat(parse("a portrait of my cat").orientation()).isNull();
    assertThat(parse("people dancing on the town square").orientation()).isNull();
    assertThat(parse("a landscape with mountains").orientation()).isNull();
    assertThat(parse("a wide shot of a knight in a field").orientation()).isNull();
    assertThat(parse("a wide picture of a knight in a field").orientation()).isEqualTo(Orientation.LANDSCAPE);
    assertThat(parse("a panoramic shot of the valley").orientation()).isEqualTo(Orientation.LANDSCAPE);
  }

  @Test
  void reads_an_explicit_size() {
    ChatWishes w = parse("render it at 768x1024 please");
    assertThat(w.width()).isEqualTo(768.0);
    assertThat(w.height()).isEqualTo(1024.0);
  }

  @Test
  void reads_wishes_for_fewer_or_more_steps() {
    assertThat(parse("just a quick draft of a robot").stepsIntent()).isEqualTo(ChatWishes.StepsIntent.FEWER);
    assertThat(parse("use more steps this time").stepsIntent()).isEqualTo(ChatWishes.StepsIntent.MORE);
    assertThat(parse("a robot").stepsIntent()).isNull();
    assertThat(parse("a robot").isEmpty()).isTrue();
  }

  @Test
  void seed_minus_one_means_random_and_is_not_an_error() {
    assertThat(parse("seed -1, a lake").seed()).isNull();
  }

  @Test
  void impossible_wishes_are_refused() {
    assertThatThrownBy(() -> parse("a cat, 10^9 steps")).isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("impossible");
    assertThatThrownBy(() -> parse("a cat, cfg -4")).isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("negative");
    assertThatThrownBy(() -> parse("a cat with seed 99999999999")).isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("seed");
  }

  @Test
  void ignores_step_counts_that_are_not_about_sampling() {
    assertThat(parse("a dancer two steps away from the edge").steps()).isNull();
  }

  @Test
  void a_chat_of_a_keyword_and_a_long_run_of_spaces_is_read_without_hanging() {
    // quadratic backtracking took minutes on such a chat; a hang guard, not a speed target
    for (String keyword : new String[] {"steps", "seed", "cfg", "clip skip", "phone", "square"}) {
      String text = "a cat, " + keyword + " ".repeat(100_000) + "x";
      assertTimeoutPreemptively(Duration.ofSeconds(20), () -> parse(text), keyword);
    }
  }
}
