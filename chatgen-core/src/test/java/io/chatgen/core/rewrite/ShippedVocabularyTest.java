package io.chatgen.core.rewrite;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatgen.core.ChatRequest;
import io.chatgen.core.RewrittenPrompt;
import io.chatgen.core.text.Words;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/** The vocabulary in the jar: it loads, is small, and holds what the rewriter relies on. */
class ShippedVocabularyTest {
  @Test
  void the_shipped_vocabulary_loads_and_is_at_most_two_megabytes() throws IOException {
    try (InputStream in = RewriteVocabulary.class.getResourceAsStream(RewriteVocabulary.RESOURCE)) {
      assertThat(in).isNotNull();
      assertThat(in.readAllBytes().length).isLessThanOrEqualTo(2 * 1024 * 1024);
    }
    RewriteVocabulary v = RewriteVocabulary.shipped();
    assertThat(v.tagCount()).isGreaterThan(1000);
    assertThat(v.tag("best quality")).isPresent();
    assertThat(v.tag("looking at viewer")).isPresent();
    for (StyleFamily f : StyleFamily.values()) {
      assertThat(v.family(f).prompts()).as(f.name()).isPositive();
      assertThat(v.family(f).negativeCount()).as(f.name()).isPositive();
    }
    assertThat(v.family(StyleFamily.PHOTO).styleTags()).extracting(WeightedTag::tag).contains("photorealistic");
    assertThat(v.keepProbability("please")).hasValueSatisfying(p -> assertThat(p).isLessThan(0.1));
    assertThat(v.styleWishes()).anyMatch(w -> w.cue().equals(java.util.List.of("pixar")));
    assertThat(v.describe()).contains("trainPrompts");
    assertThat(v.profileCount()).isGreaterThan(1000);
    assertThat(v.nearestProfiles(java.util.List.of("girl", "cafe", "rain"), 5)).hasSize(5);
  }

  @Test
  void a_request_about_a_man_gets_no_1girl_from_the_communitys_habits() {
    EmbeddedPromptRewriter rw = EmbeddedPromptRewriter.create();
    RewrittenPrompt man = rw.rewrite(ChatRequest.of(
        "portrait of an old fisherman with a weathered face, looking at the viewer, storm behind him"));
    assertThat(PromptTags.normalizedTags(man.prompt())).contains("fisherman").doesNotContain("1girl");
    assertThat(man.notes()).contains("left out \"1girl\": the request is about a male subject");
    // a woman named too, or the person's own tag: nothing is left out for this reason
    assertThat(rw.rewrite(ChatRequest.of("an old fisherman and his daughter on a pier")).notes())
        .noneMatch(n -> n.contains("male subject"));
    assertThat(PromptTags.normalizedTags(rw.rewrite(ChatRequest.of("1girl, a man behind her")).prompt()))
        .contains("1girl");
  }

  @Test
  void a_request_naming_no_person_gets_no_1girl_from_the_communitys_habits() {
    EmbeddedPromptRewriter rw = EmbeddedPromptRewriter.create();
    RewrittenPrompt castle = rw.rewrite(ChatRequest.of("an evil castle at midnight under the moon and stars"));
    assertThat(PromptTags.normalizedTags(castle.prompt())).contains("castle", "moon").doesNotContain("1girl");
    assertThat(castle.notes()).contains("left out \"1girl\": the request names no person");
    // a person named, even without saying which sex: the habit stays
    RewrittenPrompt knight = rw.rewrite(ChatRequest.of("a knight in armor under the moon"));
    assertThat(knight.notes()).noneMatch(n -> n.contains("names no person"));
  }

  @Test
  void red_haired_and_blue_eyed_become_the_communitys_tags() {
    RewrittenPrompt p = EmbeddedPromptRewriter.create().rewrite(ChatRequest.of(
        "a watercolor of a red-haired woman, blue-eyed and dark-skinned, next to a one-eyed cat"));
    assertThat(PromptTags.normalizedTags(p.prompt())).contains("red hair", "blue eyes", "dark skin")
        .doesNotContain("one eyes");
  }

  @Test
  void the_shipped_vocabulary_turns_a_chat_into_community_tags() {
    RewrittenPrompt p = EmbeddedPromptRewriter.create()
        .rewrite(ChatRequest.of("Could you draw a girl with black hair looking at the camera, like a photo?"));
    assertThat(PromptTags.normalizedTags(p.prompt())).contains("black hair", "photorealistic", "1girl");
    assertThat(Words.of(p.prompt())).doesNotContain("could", "you", "draw");
    assertThat(PromptTags.normalizedTags(p.negativePrompt())).contains("worst quality");
  }
}
