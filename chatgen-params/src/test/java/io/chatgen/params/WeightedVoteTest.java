package io.chatgen.params;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class WeightedVoteTest {
  @Test
  void plurality_sums_the_weights_of_each_value() {
    WeightedVote<String> v = new WeightedVote<>();
    v.add("Euler a", 0.5, "image 1");
    v.add("DDIM", 0.3, "image 2");
    v.add("Euler a", 0.1, "image 3");
    WeightedVote.Outcome<String> o = v.plurality().orElseThrow();
    // Euler a: 0.5 + 0.1 = 0.6 of 0.9
    assertThat(o.value()).isEqualTo("Euler a");
    assertThat(o.share()).isCloseTo(0.6 / 0.9, within(1e-12));
    assertThat(o.ballots()).extracting(WeightedVote.Ballot::source).containsExactly("image 1", "image 3");
  }

  @Test
  void numbers_take_the_plurality_when_it_holds_half_the_weight() {
    WeightedVote<Integer> v = new WeightedVote<>();
    v.add(20, 0.2, "a");
    v.add(30, 0.5, "b");
    v.add(50, 0.3, "c");
    assertThat(v.numeric(Integer::doubleValue).orElseThrow().value()).isEqualTo(30);
    assertThat(v.numeric(Integer::doubleValue).orElseThrow().byMedian()).isFalse();
  }

  @Test
  void numbers_without_a_majority_take_the_weighted_median_which_is_a_used_value() {
    WeightedVote<Integer> v = new WeightedVote<>();
    // sorted: 20 (0.30), 25 (0.25), 30 (0.45); plurality 30 holds only 0.45;
    // cumulative 0.30, 0.55 >= 0.5 at 25, so the median is 25
    v.add(30, 0.45, "a");
    v.add(20, 0.30, "b");
    v.add(25, 0.25, "c");
    WeightedVote.Outcome<Integer> o = v.numeric(Integer::doubleValue).orElseThrow();
    assertThat(o.value()).isEqualTo(25);
    assertThat(o.byMedian()).isTrue();
    assertThat(o.share()).isCloseTo(0.25, within(1e-12));
  }

  @Test
  void ties_go_to_the_value_voted_first_and_bad_weights_are_ignored() {
    WeightedVote<String> v = new WeightedVote<>();
    v.add("first", 1, "a");
    v.add("second", 1, "b");
    v.add("nan", Double.NaN, "c");
    v.add("negative", -1, "d");
    assertThat(v.plurality().orElseThrow().value()).isEqualTo("first");
    assertThat(v.weights()).containsOnlyKeys("first", "second");
    assertThat(new WeightedVote<String>().plurality()).isEmpty();
  }
}
