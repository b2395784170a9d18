package io.chatgen.core.rewrite.build;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import io.chatgen.core.rewrite.RewriteVocabulary;
import io.chatgen.core.rewrite.StyleFamily;
import io.chatgen.core.rewrite.WeightedTag;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RewriteVocabularyBuilderTest {
  @Test
  void best_prefix_maximises_mean_word_f1_worked_by_hand() {
    // tags: [worst quality] [blurry] [cat]; targets: "worst quality blurry", "worst quality"
    // k=1: F1 1.0 and 1.0 -> mean 1.0; k=2: 1.0 and 0.8 -> 0.9; k=3: 0.8 and 2*0.5*1/1.5 = 0.667
    List<List<String>> tags = List.of(List.of("worst", "quality"), List.of("blurry"), List.of("cat"));
    List<List<String>> targets = List.of(List.of("worst", "quality", "blurry"), List.of("worst", "quality"));
    assertThat(RewriteVocabularyBuilder.bestPrefix(tags, targets)).isEqualTo(1);
    // with a third target "worst quality blurry blurry" k=2 wins: k=1 mean (0.8+1+0.667)/3, k=2 (1+0.8+0.857)/3
    List<List<String>> more = new ArrayList<>(targets);
    more.add(List.of("worst", "quality", "blurry", "blurry"));
    assertThat(RewriteVocabularyBuilder.bestPrefix(tags, more)).isEqualTo(2);
  }

  @Test
  void technique_tags_are_made_of_technique_words_only() {
    assertThat(RewriteVocabularyBuilder.isTechnique("best quality")).isTrue();
    assertThat(RewriteVocabularyBuilder.isTechnique("trending on artstation")).isTrue();
    assertThat(RewriteVocabularyBuilder.isTechnique("black hair")).isFalse();
  }

  @Test
  void builds_a_vocabulary_of_statistics_from_tiny_synthetic_data(@TempDir Path dir) throws IOException {
    Path demos = dir.resolve("demos.jsonl");
    Path chats = dir.resolve("chats-train.jsonl");
    List<String> d = new ArrayList<>();
    List<String> c = new ArrayList<>();
    String[] subjects = {"fox", "owl", "cat", "dog", "wolf", "bear", "elk", "hare", "lynx", "mole", "newt", "seal"};
    for (int i = 0; i < 24; i++) {
      String s = subjects[i % subjects.length];
      boolean photo = i % 2 == 0;
      String prompt = photo ? "raw photo, photorealistic, best quality, " + s + ", forest"
          : "masterpiece, best quality, 1girl, " + s + " ears, looking at viewer";
      String neg = photo ? "cartoon, blurry, worst quality" : "worst quality, low quality, lowres";
      d.add(String.format("{\"imageId\": %d, \"modelId\": %d, \"versionId\": %d, \"prompt\": \"%s\", "
          + "\"negativePrompt\": \"%s\", \"split\": \"train\"}", i, i % 4, i % 4, prompt, neg));
      c.add(String.format("{\"imageId\": %d, \"lang\": \"en\", \"chat\": \"%s\", \"history\": null}", i,
          photo ? "please show me a " + s + " in a forest" : "a girl with " + s + " ears looking at me"));
    }
    Files.write(demos, d, StandardCharsets.UTF_8);
    Files.write(chats, c, StandardCharsets.UTF_8);
    JsonObject json = RewriteVocabularyBuilder.build(demos, chats, 0);
    Path out = dir.resolve("v.json.gz");
    RewriteVocabularyBuilder.write(json, out);
    RewriteVocabulary v = RewriteVocabulary.read(out);

    assertThat(v.tag("best quality")).hasValueSatisfying(t -> assertThat(t.prompts()).isEqualTo(24));
    assertThat(v.tag("fox")).isEmpty(); // 2 prompts: below the 3-prompt floor
    assertThat(v.tag("forest")).isPresent(); // 12 prompts of 4 models
    assertThat(v.family(StyleFamily.PHOTO).prompts()).isEqualTo(12);
    assertThat(v.family(StyleFamily.PHOTO).styleTags()).extracting(WeightedTag::tag)
        .contains("raw photo", "photorealistic", "best quality");
    assertThat(v.family(StyleFamily.PHOTO).negativeTags()).extracting(WeightedTag::tag)
        .startsWith("blurry", "cartoon", "worst quality");
    // "please" never reappears in a prompt, "forest" always does
    assertThat(v.keepProbability("please").orElseThrow()).isLessThan(0.2);
    assertThat(v.keepProbability("forest").orElseThrow()).isGreaterThan(0.8);
    // "girl" is in every chat whose prompt says 1girl, and in no other
    assertThat(v.tagsFor("girl")).extracting(WeightedTag::tag).contains("1girl");
    assertThat(v.tagsFor("girl").get(0).weight()).isEqualTo(1.0);
    // four models of six prompts each; the even models made only photo prompts
    assertThat(v.profileCount()).isEqualTo(4);
    RewriteVocabulary.Profile photo = v.nearestProfiles(List.of("raw", "photo", "forest"), 1).get(0).profile();
    assertThat(photo.model() % 2).isZero();
    assertThat(photo.tags()).extracting(WeightedTag::tag).contains("raw photo", "forest")
        .doesNotContain("fox", "owl"); // a subject two prompts share is not a community tag
    assertThat(photo.negativeTags()).extracting(WeightedTag::tag).contains("cartoon", "blurry");
  }
}
