package io.chatgen.core.rewrite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatgen.core.ChatRequest;
import io.chatgen.core.InvalidRequestException;
import io.chatgen.core.RewrittenPrompt;
import io.chatgen.core.data.Demonstration;
import io.chatgen.core.spi.DeviceSpec;
import io.chatgen.core.spi.StageContext;
import io.chatgen.core.stage.PromptRewriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RetrievalPromptRewriterTest {
  private static Demonstration demo(long id, String prompt, String negative, String split) {
    return new Demonstration(id, 1, 1, prompt, negative, "Euler a", 20, 7.0, 1L, 512, 512, 1, false, true, split);
  }

  private static final List<Demonstration> DEMOS = List.of(
      demo(1, "masterpiece, best quality, 1girl, reading a book, cozy cafe, rain on the window, warm light",
          "lowres, bad hands", "train"),
      demo(2, "photo of a red sports car on a mountain road, sunset, 85mm, sharp focus", "cartoon, blurry", "train"),
      demo(3, "oil painting of a lighthouse in a storm, dramatic waves, moody sky", "", "train"));

  /** A stand-in for the base rewriter: the request's words as one tag each, a fixed negative prompt. */
  private static final PromptRewriter BASE = r -> new RewrittenPrompt(String.join(", ",
      io.chatgen.core.text.Words.of(r.userText())), "base negative");

  @Test
  void the_base_rewriter_fits_the_prompt_to_the_chosen_model() {
    PromptRewriter withTrigger = new PromptRewriter() {
      @Override
      public RewrittenPrompt rewrite(ChatRequest request) {
        return BASE.rewrite(request);
      }

      @Override
      public RewrittenPrompt adaptToModel(RewrittenPrompt prompt, io.chatgen.core.ModelCard model) {
        return new RewrittenPrompt("trigger of " + model.name() + ", " + prompt.prompt(), prompt.negativePrompt());
      }
    };
    RetrievalPromptRewriter r = RetrievalPromptRewriter.builder().demonstrations(DEMOS).base(withTrigger).build();
    RewrittenPrompt p = r.rewrite(ChatRequest.of("a red sports car on a mountain road at sunset"));
    io.chatgen.core.ModelCard car = io.chatgen.core.ModelCard.of(5, 55, "Cars", io.chatgen.core.BaseArchitecture.SD_1);
    assertThat(r.adaptToModel(p, car).prompt()).isEqualTo("trigger of Cars, " + p.prompt());
  }

  @Test
  void a_request_like_a_demonstration_is_written_after_its_prompt_and_keeps_what_it_adds() {
    RetrievalPromptRewriter r = RetrievalPromptRewriter.builder().demonstrations(DEMOS).base(BASE).build();
    RewrittenPrompt p = r.rewrite(ChatRequest.of("a girl reading a book in a cozy cafe while it rains, purple hair"));
    assertThat(p.prompt()).startsWith(DEMOS.get(0).prompt());
    // the request's words the demonstration does not have are appended; those it has are not repeated
    assertThat(p.prompt()).endsWith(", rains, purple, hair");
    assertThat(p.negativePrompt()).isEqualTo("lowres, bad hands");
    assertThat(p.notes()).anyMatch(n -> n.contains("demonstration image 1"));
  }

  @Test
  void without_a_similar_demonstration_the_base_prompt_stands() {
    RetrievalPromptRewriter r = RetrievalPromptRewriter.builder().demonstrations(DEMOS).base(BASE).build();
    ChatRequest far = ChatRequest.of("a cat astronaut floating in space");
    assertThat(r.rewrite(far)).isEqualTo(BASE.rewrite(far));
    RetrievalPromptRewriter strict = RetrievalPromptRewriter.builder().demonstrations(DEMOS).base(BASE)
        .minSimilarity(1.0).build();
    ChatRequest near = ChatRequest.of("oil painting of a lighthouse in a storm");
    assertThat(strict.rewrite(near)).isEqualTo(BASE.rewrite(near));
  }

  @Test
  void a_demonstration_without_a_negative_prompt_keeps_the_base_one_and_copy_mode_adds_nothing() {
    RetrievalPromptRewriter r = RetrievalPromptRewriter.builder().demonstrations(DEMOS).base(BASE)
        .addRequestTags(false).build();
    RewrittenPrompt p = r.rewrite(ChatRequest.of("a lighthouse in a storm with huge waves, oil painting"));
    assertThat(p.prompt()).isEqualTo(DEMOS.get(2).prompt());
    assertThat(p.negativePrompt()).isEqualTo("base negative");
  }

  @Test
  void bad_settings_are_clear_errors() {
    assertThatThrownBy(() -> RetrievalPromptRewriter.builder().build()).isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("needs demonstrations");
    assertThatThrownBy(() -> RetrievalPromptRewriter.builder().minSimilarity(1.5))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("1.5");
    assertThatThrownBy(() -> RetrievalPromptRewriter.builder().demonstrations(List.of(demo(9, " ", "", "train"))).build())
        .isInstanceOf(InvalidRequestException.class);
  }

  @Test
  void the_provider_follows_a_demonstrations_file_of_the_train_split(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("demos.jsonl");
    Files.writeString(file, """
        {"imageId": 1, "modelId": 5, "versionId": 6, "prompt": "masterpiece, 1girl, cozy cafe, rain", "negativePrompt": "lowres", "split": "train"}
        {"imageId": 2, "modelId": 5, "versionId": 6, "prompt": "a test prompt about a cozy cafe in the rain", "negativePrompt": "x", "split": "test"}
        """);
    EmbeddedPromptRewriterProvider provider = new EmbeddedPromptRewriterProvider();
    PromptRewriter r = provider.create(new StageContext(DeviceSpec.auto(),
        Map.of(EmbeddedPromptRewriterProvider.DEMOS_OPTION, file.toString())));
    assertThat(r).isInstanceOf(RetrievalPromptRewriter.class);
    assertThat(((RetrievalPromptRewriter) r).describe()).contains("1 demonstrations");
    assertThat(r.rewrite(ChatRequest.of("a cozy cafe in the rain")).prompt()).startsWith("masterpiece, 1girl, cozy cafe, rain");

    assertThatThrownBy(() -> provider.create(new StageContext(DeviceSpec.auto(),
        Map.of(EmbeddedPromptRewriterProvider.DEMOS_OPTION, dir.resolve("missing.jsonl").toString()))))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("missing.jsonl").hasMessageContaining("not a file");
    assertThatThrownBy(() -> provider.create(new StageContext(DeviceSpec.auto(), Map.of(
        EmbeddedPromptRewriterProvider.DEMOS_OPTION, file.toString(),
        EmbeddedPromptRewriterProvider.DEMOS_SPLIT_OPTION, "validation"))))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("\"validation\"");
    assertThatThrownBy(() -> provider.create(new StageContext(DeviceSpec.auto(), Map.of(
        EmbeddedPromptRewriterProvider.DEMOS_OPTION, file.toString(),
        EmbeddedPromptRewriterProvider.MIN_SIMILARITY_OPTION, "high"))))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("rewrite.minSimilarity");
  }
}
