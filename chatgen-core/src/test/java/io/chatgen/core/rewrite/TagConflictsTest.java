package io.chatgen.core.rewrite;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TagConflictsTest {

  private static List<WeightedTag> tags(String... t) {
    return java.util.Arrays.stream(t).map(WeightedTag::of).toList();
  }

  @Test
  void only_colours_of_one_part_and_simple_against_detailed_conflict() {
    assertThat(TagConflicts.slots("white background")).containsExactly("background colour=white");
    assertThat(TagConflicts.slots("Gray  Hair")).containsExactly("hair colour=grey");
    assertThat(TagConflicts.slots("simple background")).containsExactly("background kind=simple");
    assertThat(TagConflicts.slots("girl with blonde hair and green eyes on a simple background"))
        .containsExactly("hair colour=blonde", "eyes colour=green", "background kind=simple");
    assertThat(TagConflicts.slots("long hair")).isEmpty();
    assertThat(TagConflicts.slots("red")).isEmpty();
    assertThat(TagConflicts.slots("background")).isEmpty();
    List<WeightedTag> kept = TagConflicts.withoutContradictions(
        tags("simple background", "white background", "long hair", "blonde hair", "blue eyes"), Set.of(),
        new ArrayList<>());
    assertThat(kept).extracting(WeightedTag::tag)
        .containsExactly("simple background", "white background", "long hair", "blonde hair", "blue eyes");
  }

  @Test
  void the_requested_tag_wins_wherever_it_stands_and_the_loser_is_reported() {
    List<String> notes = new ArrayList<>();
    List<WeightedTag> kept = TagConflicts.withoutContradictions(
        tags("white background", "black hair", "girl", "red circle on a blue background", "silver hair",
            "gray hair"),
        Set.of("red circle on a blue background"), notes);
    // blue background asked for: white goes; of two borrowed hair colours the first stays
    assertThat(kept).extracting(WeightedTag::tag)
        .containsExactly("black hair", "girl", "red circle on a blue background");
    assertThat(notes).containsExactly("left out \"white background\": it contradicts \"red circle on a blue"
            + " background\", which the request asks for",
        "left out \"silver hair\": it contradicts \"black hair\"",
        "left out \"gray hair\": it contradicts \"black hair\"");
  }
}
