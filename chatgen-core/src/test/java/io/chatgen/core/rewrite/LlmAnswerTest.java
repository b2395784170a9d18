package io.chatgen.core.rewrite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.chatgen.core.llm.EndpointException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class LlmAnswerTest {
  @Test
  void reads_labelled_fields_in_the_ways_models_write_them() {
    LlmAnswer.Parsed p = LlmAnswer.parse("Sure!\n\n**Prompt:** a cat on a sofa, best quality\n\n"
        + "- Negative prompt: blurry, lowres\n", "test");
    assertThat(p.prompt()).isEqualTo("a cat on a sofa, best quality");
    assertThat(p.negativePrompt()).isEqualTo("blurry, lowres");
    assertThat(LlmAnswer.parse("## Positive prompt :\n  a red fox\nNegative: text", "test").prompt())
        .isEqualTo("a red fox");
  }

  @Test
  void a_long_answer_of_spaces_or_blank_lines_is_refused_without_hanging() {
    // a hang guard, not a speed target: 20,000 spaces once took 5.7 s and grew quadratically
    for (String answer : List.of("x" + " ".repeat(100_000) + "prompt x", "\n".repeat(100_000) + "x",
        "prompt" + " ".repeat(100_000) + "x")) {
      assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThatThrownBy(() -> LlmAnswer.parse(answer, "test"))
          .isInstanceOf(EndpointException.class).hasMessageContaining("without a prompt field"));
    }
  }
}
