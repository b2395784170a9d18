package io.chatgen.core.prompt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.chatgen.core.SharedData;
import io.chatgen.core.data.Demonstration;
import io.chatgen.core.data.ReadMode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PromptParserTest {

  private static WeightedText seg(String text, double weight) {
    return new WeightedText(text, weight);
  }

  @Test
  void parses_the_examples_of_the_a1111_documentation() {
    // the expected values are those printed by A1111's own docstring of parse_prompt_attention
    assertThat(PromptParser.parse("normal text").segments()).containsExactly(seg("normal text", 1.0));
    assertThat(PromptParser.parse("an (important) word").segments())
        .containsExactly(seg("an ", 1.0), seg("important", 1.1), seg(" word", 1.0));
    assertThat(PromptParser.parse("(unbalanced").segments()).containsExactly(seg("unbalanced", 1.1));
    assertThat(PromptParser.parse("\\(literal\\]").segments()).containsExactly(seg("(literal]", 1.0));
    assertThat(PromptParser.parse("(unnecessary)(parens)").segments()).containsExactly(seg("unnecessaryparens", 1.1));
  }

  @Test
  void nests_and_weights_like_a1111() {
    List<WeightedText> s = PromptParser.parse("a (((house:1.3))) [on] a (hill:0.5), sun, (((sky))).").segments();
    assertThat(s).extracting(WeightedText::text)
        .containsExactly("a ", "house", " ", "on", " a ", "hill", ", sun, ", "sky", ".");
    assertThat(s.get(1).weight()).isCloseTo(1.3 * 1.1 * 1.1, within(1e-12));
    assertThat(s.get(2).weight()).isEqualTo(1.0);
    assertThat(s.get(3).weight()).isCloseTo(1 / 1.1, within(1e-12));
    assertThat(s.get(5).weight()).isCloseTo(0.5, within(1e-12));
    assertThat(s.get(7).weight()).isCloseTo(1.1 * 1.1 * 1.1, within(1e-12));
  }

  @Test
  void keeps_break_as_a_marker_and_extracts_extra_networks() {
    ParsedPrompt p = PromptParser.parse("a cat <lora:catStyle:0.8> BREAK (a dog BREAK x:1.2) <hypernet:h:1>");
    assertThat(p.extraNetworks()).containsExactly(
        new ExtraNetwork("lora", "catStyle", List.of("0.8")), new ExtraNetwork("hypernet", "h", List.of("1")));
    assertThat(p.extraNetworks().get(0).multiplier()).isEqualTo(0.8);
    assertThat(p.segments()).filteredOn(WeightedText::isBreak).hasSize(2);
    assertThat(p.tags()).containsExactly("a cat", "a dog", "x");
  }

  @Test
  void gives_plain_tags_without_weights() {
    ParsedPrompt p = PromptParser.parse("masterpiece, (best quality:1.2), [blurry], 1girl,, (red:1.3) hair");
    assertThat(p.tags()).containsExactly("masterpiece", "best quality", "blurry", "1girl", "red hair");
    assertThat(PromptParser.parse("A, B").normalizedTags()).containsExactly("a", "b");
  }

  @Test
  void treats_a_malformed_weight_as_text_instead_of_failing() {
    ParsedPrompt p = PromptParser.parse("(a:1.2.3) b");
    assertThat(p.plainText()).contains("a").contains("1.2.3");
  }

  @Test
  void writes_back_without_loss() {
    for (String prompt : List.of("a (((house:1.3)) [on] a (hill:0.5), sun",
        "x BREAK (y:0.7) <lora:z:0.5>", "\\(escaped\\) [[deep]] ((", "", "ratio 16:9 (wide:1.1)")) {
      ParsedPrompt p = PromptParser.parse(prompt);
      ParsedPrompt again = PromptParser.parse(p.toPromptString());
      assertThat(again).as(prompt).isEqualTo(p);
    }
  }

  @Test
  void reads_brackets_beyond_the_depth_cap_as_text_and_stays_fast_on_a_megabyte() {
    String evil = "(".repeat(500_000) + "x" + "]".repeat(500_000);
    ParsedPrompt p = PromptParser.parse(evil);
    // the first MAX_DEPTH brackets open groups; the rest are literal text inside them
    assertThat(p.plainText()).hasSize(1_000_001 - PromptParser.MAX_DEPTH);
    assertThat(p.segments()).hasSize(1);
  }

  @Test
  void parses_every_prompt_of_the_real_data_and_writes_it_back_without_loss() {
    List<Demonstration> demos = Demonstration.read(SharedData.civitai().resolve("demos.jsonl"), ReadMode.STRICT)
        .records();
    assertThat(demos).hasSizeGreaterThan(20_000);
    int withWeights = 0;
    int withNetworks = 0;
    int withBreak = 0;
    for (Demonstration d : demos) {
      for (String text : new String[] {d.prompt(), d.negativePrompt()}) {
        if (text == null) {
          continue;
        }
        ParsedPrompt p = PromptParser.parse(text);
        assertThat(PromptParser.parse(p.toPromptString())).as("image %d", d.imageId()).isEqualTo(p);
        withWeights += p.segments().stream().anyMatch(s -> !s.isBreak() && s.weight() != 1.0) ? 1 : 0;
        withNetworks += p.extraNetworks().isEmpty() ? 0 : 1;
        withBreak += p.segments().stream().anyMatch(WeightedText::isBreak) ? 1 : 0;
      }
    }
    // the data uses every construct: the parser must have met each of them
    assertThat(withWeights).isGreaterThan(1000);
    assertThat(withNetworks).isGreaterThan(100);
    assertThat(withBreak).isGreaterThan(10);
  }

  @Test
  void long_runs_of_spaces_parse_without_hanging_and_break_still_splits() {
    // a hang guard, not a speed target: 32,000 spaces once took 2.5 s and grew quadratically
    String spaces = " ".repeat(100_000);
    ParsedPrompt p = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> PromptParser.parse("a" + spaces + "b"));
    assertThat(p.segments()).noneMatch(WeightedText::isBreak);
    ParsedPrompt split = PromptParser.parse("a" + spaces + "BREAK" + spaces + "b");
    assertThat(split.segments()).filteredOn(WeightedText::isBreak).hasSize(1);
    assertThat(split.plainText()).contains("a").contains("b").doesNotContain("BREAK");
  }
}
