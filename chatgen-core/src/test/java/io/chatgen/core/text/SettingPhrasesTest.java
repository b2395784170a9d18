package io.chatgen.core.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.chatgen.core.Sampler;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SettingPhrasesTest {
  private static List<String> phrases(String text) {
    return SettingPhrases.find(text).stream().map(s -> text.substring(s.start(), s.end())).toList();
  }

  @Test
  void finds_every_kind_of_setting_phrase_in_order() {
    String chat = "a cat on a sofa, seed 42, cfg 9, 30 steps, use DPM++ 2M Karras, 768x1024, portrait format,"
        + " clip skip 2, quick draft";
    assertThat(phrases(chat)).containsExactly("seed 42", "cfg 9", "30 steps", "DPM++ 2M Karras", "768x1024",
        "portrait format", "clip skip 2", "quick draft");
  }

  @Test
  void without_keeps_the_description_and_separates_what_was_around_the_settings() {
    assertThat(SettingPhrases.without("a cat seed 42 on a sofa")).isEqualTo("a cat , on a sofa");
    assertThat(SettingPhrases.without("a red fox in the snow")).isEqualTo("a red fox in the snow");
    assertThat(SettingPhrases.without("more steps please, a lighthouse at dusk in 16:9"))
        .isEqualTo(", please, a lighthouse at dusk in ,");
  }

  @Test
  void descriptions_that_only_look_like_settings_stay() {
    assertThat(phrases("a portrait of my cat, three steps away from the door")).isEmpty();
    assertThat(phrases("a wide shot of a town square in landscape painting style")).isEmpty();
    // "maximum quality" is a wish for more steps and also words of the picture: it stays
    assertThat(phrases("maximum quality, a knight")).isEmpty();
  }

  @Test
  void sampler_mentions_point_at_the_text_as_written() {
    String text = "Use dpmpp_2m_karras, or DPM++2M, then Euler a";
    List<SettingPhrases.SamplerMention> m = SettingPhrases.samplerMentions(text);
    assertThat(m).extracting(SettingPhrases.SamplerMention::sampler)
        .containsExactly(Sampler.DPMPP_2M_KARRAS, Sampler.DPMPP_2M, Sampler.EULER_A);
    assertThat(m).extracting(x -> text.substring(x.span().start(), x.span().end()))
        .containsExactly("dpmpp_2m_karras", "DPM++2M", "Euler a");
    assertThat(SettingPhrases.samplersNamedIn("Euler a, then euler ancestral")).containsExactly(Sampler.EULER_A);
  }

  @Test
  void overlapping_phrases_are_removed_once() {
    // "steps 30" and "30 steps" overlap in "steps 30 steps"
    assertThat(SettingPhrases.find("steps 30 steps")).hasSize(1);
    assertThat(SettingPhrases.without("a boat, steps 30 steps")).isEqualTo("a boat, ,");
  }

  @Test
  void a_keyword_followed_by_a_long_run_of_spaces_does_not_hang() {
    // with greedy runs on both sides of an optional word, 16,000 spaces took 2 s and 100,000 would
    // take minutes (quadratic backtracking); a hang guard, far above the milliseconds it takes now
    for (String keyword : List.of("steps", "seed", "cfg", "clip skip", "30", "portrait")) {
      String text = "a cat, " + keyword + " ".repeat(100_000) + "x";
      assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThat(SettingPhrases.find(text)).isEmpty(),
          keyword);
    }
  }
}
