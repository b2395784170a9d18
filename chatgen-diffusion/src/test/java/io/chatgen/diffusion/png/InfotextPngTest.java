package io.chatgen.diffusion.png;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.chatgen.core.DataFormatException;
import io.chatgen.core.GenerationParams;
import io.chatgen.core.Sampler;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class InfotextPngTest {
  static final GenerationParams PARAMS =
      new GenerationParams(Sampler.EULER_A, 20, 7.0, 2, 512, 512, 42, null);

  static int[] pixels(int w, int h) {
    int[] rgb = new int[w * h];
    for (int i = 0; i < rgb.length; i++) {
      rgb[i] = (i * 2654435761L % 0xFFFFFF) > 0 ? (int) (i * 2654435761L % 0xFFFFFF) : 0x123456;
    }
    return rgb;
  }

  @Test
  void writes_the_a1111_format() {
    Infotext t = Infotext.of("a castle on a hill", "blurry", PARAMS, "abcdef1234", "name");
    assertThat(t.text()).isEqualTo("a castle on a hill\nNegative prompt: blurry\n"
        + "Steps: 20, Sampler: Euler a, CFG scale: 7, Seed: 42, Size: 512x512, Model hash: abcdef1234, "
        + "Model: name, Clip skip: 2");
  }

  @Test
  void leaves_out_empty_negative_prompt_and_clip_skip_1_and_quotes_values_with_commas() {
    GenerationParams p = PARAMS.withClipSkip(1).withCfgScale(7.5).withDenoisingStrength(0.55)
        .withSampler(Sampler.DPMPP_2M_KARRAS);
    Infotext t = Infotext.of("cat", "", p, null, "my, model: v2");
    assertThat(t.text()).isEqualTo("cat\nSteps: 20, Sampler: DPM++ 2M Karras, CFG scale: 7.5, Seed: 42, "
        + "Size: 512x512, Model: \"my, model: v2\", Denoising strength: 0.55");
    Infotext back = Infotext.parse(t.text());
    assertThat(back.model()).contains("my, model: v2");
    assertThat(back.denoisingStrength()).hasValue(0.55);
    assertThat(back.negativePrompt()).isEmpty();
  }

  @Test
  void parses_multiline_prompts_and_typed_fields() {
    String text = "line one,\nline two\nNegative prompt: bad hands,\nugly\n"
        + "Steps: 30, Sampler: DPM++ SDE Karras, CFG scale: 6.5, Seed: 4294967295, Size: 640x832, "
        + "Model hash: 6ce0161689, Model: v1-5-pruned, Clip skip: 2, Lora hashes: \"a: 1, b: 2\"";
    Infotext t = Infotext.parse(text);
    assertThat(t.prompt()).isEqualTo("line one,\nline two");
    assertThat(t.negativePrompt()).isEqualTo("bad hands,\nugly");
    assertThat(t.steps()).hasValue(30);
    assertThat(t.sampler()).contains(Sampler.DPMPP_SDE_KARRAS);
    assertThat(t.cfgScale()).hasValue(6.5);
    assertThat(t.seed()).hasValue(4294967295L);
    assertThat(t.size()).hasValueSatisfying(s -> assertThat(s).containsExactly(640, 832));
    assertThat(t.modelHash()).contains("6ce0161689");
    assertThat(t.clipSkip()).isEqualTo(2);
    assertThat(t.get("Lora hashes")).contains("a: 1, b: 2");
    // a last line with fewer than 3 fields is prompt text
    assertThat(Infotext.parse("just a prompt\nSteps: 3").prompt()).isEqualTo("just a prompt\nSteps: 3");
  }

  @Test
  void png_round_trips_pixels_and_parameters() throws IOException {
    int[] rgb = pixels(7, 5);
    Infotext info = Infotext.of("a castle", "blurry", PARAMS, "abcdef1234", "name");
    byte[] png = info.toPng(7, 5, rgb);

    BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
    assertThat(img.getWidth()).isEqualTo(7);
    assertThat(img.getHeight()).isEqualTo(5);
    for (int y = 0; y < 5; y++) {
      for (int x = 0; x < 7; x++) {
        assertThat(img.getRGB(x, y) & 0xFFFFFF).isEqualTo(rgb[y * 7 + x]);
      }
    }
    Infotext back = Infotext.readPng(png).orElseThrow();
    assertThat(back).isEqualTo(info);
    assertThat(back.text()).isEqualTo(info.text());
    assertThat(new String(png, StandardCharsets.ISO_8859_1)).contains("tEXtparameters\0a castle")
        .doesNotContain("tIME").doesNotContain("iTXt");
  }

  @Test
  void same_image_and_text_give_the_same_bytes() {
    Infotext info = Infotext.of("x", "", PARAMS, null, null);
    assertThat(info.toPng(16, 9, pixels(16, 9))).isEqualTo(info.toPng(16, 9, pixels(16, 9)));
    assertThat(info.toPng(16, 9, pixels(16, 9))).isNotEqualTo(
        Infotext.of("y", "", PARAMS, null, null).toPng(16, 9, pixels(16, 9)));
  }

  @Test
  void non_latin1_text_goes_into_an_itxt_chunk() {
    Infotext info = Infotext.of("一只猫, café", "", PARAMS, null, null);
    byte[] png = info.toPng(2, 2, pixels(2, 2));
    assertThat(new String(png, StandardCharsets.ISO_8859_1)).contains("iTXtparameters\0\0\0\0\0");
    assertThat(Infotext.readPng(png).orElseThrow().prompt()).isEqualTo("一只猫, café");
  }

  @Test
  void other_text_chunks_are_kept_in_order() {
    Map<String, String> text = new LinkedHashMap<>();
    text.put("parameters", "p");
    text.put("Software", "ChatGen");
    assertThat(PngTextChunks.read(PngEncoder.encode(1, 1, new int[] {0}, text))).containsExactlyEntriesOf(text);
  }

  @Test
  void malformed_pngs_are_typed_errors() {
    byte[] png = Infotext.of("x", "", PARAMS, null, null).toPng(3, 3, pixels(3, 3));
    assertThatThrownBy(() -> PngTextChunks.read(new byte[] {1, 2, 3}))
        .isInstanceOf(DataFormatException.class).hasMessageContaining("signature");
    byte[] corrupt = png.clone();
    corrupt[40] ^= 0x55;
    assertThatThrownBy(() -> PngTextChunks.read(corrupt))
        .isInstanceOf(DataFormatException.class).hasMessageContaining("CRC");
    byte[] truncated = java.util.Arrays.copyOf(png, 30);
    assertThatThrownBy(() -> PngTextChunks.read(truncated)).isInstanceOf(DataFormatException.class);
    assertThatThrownBy(() -> PngEncoder.encode(2, 2, new int[3], Map.of()))
        .isInstanceOf(io.chatgen.core.InvalidRequestException.class);
  }

  @Test
  void a_last_line_of_one_long_word_is_read_without_hanging() {
    // a hang guard, not a speed target: 32,000 letters once took 4 s and grew quadratically
    String text = "a cat\nSteps: 20, Sampler: Euler a, CFG scale: 7, " + "w".repeat(200_000);
    Infotext info = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> Infotext.parse(text));
    assertThat(info.prompt()).isEqualTo("a cat");
    assertThat(info.parameters()).containsEntry("Steps", "20").containsEntry("Sampler", "Euler a");
  }
}
