package io.chatgen.core.rewrite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class PromptOverlapTest {
  @Test
  void word_f1_counts_a_bag_of_words_worked_by_hand() {
    // written: a, red, red, car (4 words: the weight 1.3 is syntax); target: red, car, car, fast, a, b (6)
    // matched: a, red (once: the target has one red), car (once) = 3
    // precision 3/4, recall 3/6, F1 = 2 * 0.75 * 0.5 / 1.25 = 0.6
    PromptOverlap.Score s = PromptOverlap.words("A red, (red:1.3) car <lora:fast:0.5>", "red car car, fast a b");
    assertThat(s.precision()).isCloseTo(0.75, within(1e-12));
    assertThat(s.recall()).isCloseTo(0.5, within(1e-12));
    assertThat(s.f1()).isCloseTo(0.6, within(1e-12));
  }

  @Test
  void tag_f1_compares_lower_cased_tag_sets_without_weights_worked_by_hand() {
    // written tags: masterpiece, black hair, cat (set of 3; the repeat counts once)
    // target tags: masterpiece, black hair, dog, night (4); matched 2
    // precision 2/3, recall 2/4, F1 = 2 * (2/3) * (1/2) / (7/6) = 4/7
    PromptOverlap.Score s = PromptOverlap.tags("Masterpiece, (black hair:1.2), cat, cat",
        "masterpiece, black  hair, [dog], night");
    assertThat(s.precision()).isCloseTo(2.0 / 3, within(1e-12));
    assertThat(s.recall()).isCloseTo(0.5, within(1e-12));
    assertThat(s.f1()).isCloseTo(4.0 / 7, within(1e-12));
  }

  @Test
  void empty_sides_score_one_when_both_are_empty_and_zero_otherwise() {
    assertThat(PromptOverlap.words("", "").f1()).isEqualTo(1.0);
    assertThat(PromptOverlap.words("", "worst quality").f1()).isEqualTo(0.0);
    assertThat(PromptOverlap.words("worst quality", "").f1()).isEqualTo(0.0);
    assertThat(PromptOverlap.tags("a", "b").f1()).isEqualTo(0.0);
  }
}
