package io.chatgen.core.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class TextFeaturesTest {

  @Test
  void words_are_lower_case_runs_of_letters_and_digits_in_any_script() {
    assertThat(Words.of("(Masterpiece:1.2), 8K, girl's café — 東京!"))
        .containsExactly("masterpiece", "1", "2", "8k", "girl's", "café", "東京");
    assertThat(Words.of("")).isEmpty();
  }

  @Test
  void tfidf_matches_a_hand_computed_case() {
    // docs: "a b", "a c"; idf(a) = ln(3/3)+1 = 1, idf(b) = idf(c) = ln(3/2)+1
    TfIdf tfidf = TfIdf.fit(List.of("a b", "a c"), 1, false);
    SparseVector v = tfidf.transform("a b b");
    double ib = Math.log(1.5) + 1;
    double wa = 1;
    double wb = (1 + Math.log(2)) * ib;
    double norm = Math.sqrt(wa * wa + wb * wb);
    assertThat(v.indices()).containsExactly(0, 1);
    assertThat(v.values()[0]).isCloseTo((float) (wa / norm), within(1e-6f));
    assertThat(v.values()[1]).isCloseTo((float) (wb / norm), within(1e-6f));
    assertThat(v.dot(v)).isCloseTo(1.0, within(1e-6));
    assertThat(tfidf.transform("zzz").size()).isZero();
    assertThat(tfidf.transform("a b").dot(tfidf.transform("a c"))).isBetween(0.0, 1.0);
  }

  @Test
  void bigrams_and_min_df_shape_the_vocabulary() {
    TfIdf tfidf = TfIdf.fit(List.of("red car", "red car", "blue sky"), 2, true);
    assertThat(tfidf.dimension()).isEqualTo(3); // car, red, "red car"
  }
}
