package io.chatgen.diffusion.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.chatgen.core.ChatRequest;
import io.chatgen.core.GeneratedImage;
import io.chatgen.core.GenerationParams;
import io.chatgen.core.ReferenceImage;
import io.chatgen.core.Sampler;
import io.chatgen.core.spi.DeviceSpec;
import io.chatgen.diffusion.png.Infotext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Image-to-image on a real (tiny, random) SD 1.x checkpoint through DJL: the model helper's
 * tiny-sd1.safetensors (LDM key layout, vocab 1000, text width 64, VAE factor 2), with a
 * character-level CLIP vocabulary next to it. One step, since each UNet call runs the real code.
 * Text-to-image determinism and agreement with the reference are in GenerationReferenceTest.
 */
class TinyCheckpointGenerationTest {
  static final String TINY = "/io/chatgen/diffusion/model/tiny-sd1.safetensors";

  @TempDir Path models;

  private Path install() throws IOException {
    try (InputStream in = TinyCheckpointGenerationTest.class.getResourceAsStream(TINY)) {
      assumeThat(in).as("the model helper's tiny checkpoint " + TINY).isNotNull();
      Path ckpt = models.resolve("tiny.safetensors");
      Files.copy(in, ckpt);
      StableDiffusionGeneratorTest.writeCharacterTokenizer(models);
      return ckpt;
    }
  }

  /** Native resources (arrays and sub-managers) a DJL manager holds. */
  static int resources(ai.djl.ndarray.NDManager m) {
    try {
      java.lang.reflect.Field f = ai.djl.ndarray.BaseNDManager.class.getDeclaredField("resources");
      f.setAccessible(true);
      return ((java.util.Map<?, ?>) f.get(m)).size();
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("DJL's BaseNDManager no longer has a resources map", e);
    }
  }

  @Test
  void image_to_image_encodes_the_reference_with_the_vae() throws IOException {
    install();
    int[] px = new int[64 * 64];
    for (int i = 0; i < px.length; i++) {
      px[i] = (i % 64) * 4 << 16 | (i / 64) * 4 << 8 | 0x80;
    }
    GenerationParams p = new GenerationParams(Sampler.DPMPP_2M, 1, 5.0, 1, 64, 64, 7, 0.5);
    try (StableDiffusionGenerator g = StableDiffusionGenerator.builder().checkpoint(models.resolve("tiny.safetensors"))
        .device(DeviceSpec.cpu()).build()) {
      GeneratedImage img = g.generate(StableDiffusionGeneratorTest.plan(
          ChatRequest.of("x").withImages(List.of(new ReferenceImage(64, 64, px, "ref"))), "fox", "", p,
          StableDiffusionGeneratorTest.card("tiny.safetensors", null)));
      assertThat(img.rgb()).hasSize(64 * 64);
      assertThat(img.notes()).isEmpty();
    }
  }
}
