package io.chatgen.modeltoken;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatgen.core.BaseArchitecture;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class NameMatchTest {
  private final NameMatch names = NameMatch.of(List.of(
      Fixtures.card(1, "Ghibli Dream", BaseArchitecture.SD_1, false),
      Fixtures.card(2, "DreamShaper v8", BaseArchitecture.SD_1, false),
      Fixtures.card(3, "Realistic Vision XL", BaseArchitecture.SD_1, false),
      Fixtures.card(4, "Realistic-Anime_Dream", BaseArchitecture.SD_1, false)));

  @Test
  void a_request_scores_the_idf_of_the_name_words_it_uses_worked_by_hand() {
    // "ghibli": 1 of 4 names, ln 4; "dream": 2 of 4 (Ghibli Dream, Realistic-Anime_Dream), ln 2
    double[] s = names.scores("A GHIBLI style dream, please!");
    assertThat(s[0]).isCloseTo(Math.log(4) + Math.log(2), Offset.offset(1e-12));
    // "dreamshaper" is one word: "dream" alone does not match it
    assertThat(s[1]).isZero();
    assertThat(s[2]).isZero();
    assertThat(s[3]).isCloseTo(Math.log(2), Offset.offset(1e-12));
    assertThat(names.size()).isEqualTo(4);
  }

  @Test
  void short_words_are_versions_not_names_and_words_are_split_at_punctuation() {
    assertThat(NameMatch.words("DreamShaper v8 XL")).containsExactlyInAnyOrder("dreamshaper");
    assertThat(NameMatch.words("Realistic-Anime_Dream")).containsExactlyInAnyOrder("realistic", "anime", "dream");
    assertThat(names.scores("v8 xl")).containsOnly(0.0);
    // a word every name used would say nothing: "realistic" is in 2 of 4, ln 2
    assertThat(names.scores("realistic")[2]).isCloseTo(Math.log(2), Offset.offset(1e-12));
    assertThat(names.scores("")).containsOnly(0.0);
  }
}
