package io.chatgen.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordValidationTest {

  @Test
  void rejects_an_empty_chat_with_advice() {
    assertThatThrownBy(() -> ChatRequest.of("   \n"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("empty")
        .hasMessageContaining("write what you would like to see");
  }

  @Test
  void rejects_a_megabyte_chat_naming_its_length() {
    String huge = "a".repeat(1 << 20);
    assertThatThrownBy(() -> ChatRequest.of(huge))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining(String.valueOf(1 << 20))
        .hasMessageContaining(String.valueOf(ChatRequest.MAX_MESSAGE_CHARS));
  }

  @Test
  void tells_the_three_input_kinds_apart() {
    ChatRequest single = ChatRequest.of("a cat");
    ChatRequest history = single.followUp("make it at night");
    ChatRequest multimodal = single.withImages(List.of(ReferenceImage.of(new BufferedImage(4, 2, 1), "x.png")));
    assertThat(single.kind()).isEqualTo(InputKind.SINGLE);
    assertThat(history.kind()).isEqualTo(InputKind.HISTORY);
    assertThat(history.history()).containsExactly(ChatTurn.user("a cat"));
    assertThat(history.userText()).isEqualTo("a cat\nmake it at night");
    assertThat(multimodal.kind()).isEqualTo(InputKind.MULTIMODAL);
  }

  @Test
  void reference_images_are_immutable_copies() {
    int[] px = {1, 2, 3, 4};
    ReferenceImage img = new ReferenceImage(2, 2, px, null);
    px[0] = 99;
    assertThat(img.rgb()[0]).isEqualTo(1);
    img.rgb()[1] = 77;
    assertThat(img.rgb()[1]).isEqualTo(2);
    assertThatThrownBy(() -> new ReferenceImage(2, 2, new int[3], "a.png"))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("expected width*height = 4");
  }

  @Test
  void generation_params_name_the_bad_value() {
    GenerationParams ok = GenerationParams.defaults();
    assertThatThrownBy(() -> ok.withSteps(0)).hasMessageContaining("steps").hasMessageContaining("was 0");
    assertThatThrownBy(() -> ok.withCfgScale(Double.NaN)).hasMessageContaining("cfgScale").hasMessageContaining("NaN");
    assertThatThrownBy(() -> ok.withCfgScale(-1)).hasMessageContaining("cfgScale");
    assertThatThrownBy(() -> ok.withSize(513, 512)).hasMessageContaining("width").hasMessageContaining("513");
    assertThatThrownBy(() -> ok.withSize(512, 8192)).hasMessageContaining("height");
    assertThatThrownBy(() -> ok.withClipSkip(0)).hasMessageContaining("clipSkip");
    assertThatThrownBy(() -> ok.withSeed(-5)).hasMessageContaining("seed").hasMessageContaining("-5");
    assertThatThrownBy(() -> ok.withDenoisingStrength(1.5)).hasMessageContaining("denoisingStrength");
    assertThat(ok.withSeed(GenerationParams.MAX_SEED).seed()).isEqualTo(4294967295L);
  }

  @Test
  void model_choice_puts_the_choice_first() {
    ModelCard a = ModelCard.of(1, 10, "A", BaseArchitecture.SD_1);
    ModelCard b = ModelCard.of(2, 20, "B", BaseArchitecture.SD_1);
    ModelChoice c = new ModelChoice(List.of(new ScoredModel(a, 0.7), new ScoredModel(b, 0.2)), List.of());
    assertThat(c.model()).isEqualTo(a);
    assertThat(c.probability()).isEqualTo(0.7);
    assertThat(c.alternatives()).extracting(ScoredModel::model).containsExactly(b);
    assertThatThrownBy(() -> new ModelChoice(List.of(), List.of())).hasMessageContaining("at least one");
    assertThatThrownBy(() -> new ScoredModel(a, 1.5)).hasMessageContaining("probability").hasMessageContaining("1.5");
  }

  @Test
  void model_cards_lower_case_tags_and_derive_autov2_from_sha256() {
    ModelFile f = new ModelFile("m.safetensors", 10, "Model", "SafeTensor", "fp16",
        "cac0a972cfa40cfe44e3c00d3a488dcbe34668bf291dd6245d70266247643a7c", null);
    assertThat(f.autoV2()).isEqualTo("CAC0A972CF");
    ModelCard card = new ModelCard(1, 2, "M", BaseArchitecture.SD_1, "SD 1.5", List.of("Anime"),
        List.of(" trig ", ""), "", List.of(f), false, null);
    assertThat(card.tags()).containsExactly("anime");
    assertThat(card.triggerWords()).containsExactly("trig");
    assertThat(card.primaryFile()).contains(f);
    assertThat(card.autoV2Hashes()).containsExactly("CAC0A972CF");
  }

  @Test
  void base_architecture_reads_civitai_labels() {
    assertThat(BaseArchitecture.fromCivitai("SD 1.5")).isEqualTo(BaseArchitecture.SD_1);
    assertThat(BaseArchitecture.fromCivitai("SD 2.1 768")).isEqualTo(BaseArchitecture.SD_2);
    assertThat(BaseArchitecture.fromCivitai("SDXL 1.0")).isEqualTo(BaseArchitecture.SDXL);
    assertThat(BaseArchitecture.fromCivitai("Other")).isEqualTo(BaseArchitecture.OTHER);
  }

  @Test
  void rewritten_prompt_must_not_be_blank_or_runaway() {
    assertThatThrownBy(() -> new RewrittenPrompt(" ", "")).hasMessageContaining("prompt must not be blank");
    assertThatThrownBy(() -> new RewrittenPrompt("x".repeat(RewrittenPrompt.MAX_CHARS + 1), ""))
        .hasMessageContaining("at most " + RewrittenPrompt.MAX_CHARS);
  }
}
