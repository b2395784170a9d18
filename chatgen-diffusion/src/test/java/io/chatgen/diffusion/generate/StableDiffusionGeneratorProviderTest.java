package io.chatgen.diffusion.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatgen.core.InvalidRequestException;
import io.chatgen.core.spi.DeviceSpec;
import io.chatgen.core.spi.ImageGeneratorProvider;
import io.chatgen.core.spi.StageContext;
import io.chatgen.core.stage.Described;
import io.chatgen.core.stage.ImageGenerator;
import io.chatgen.diffusion.tiny.EmbeddedTinyModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StableDiffusionGeneratorProviderTest {
  private static StageContext ctx(Map<String, String> options) {
    return new StageContext(DeviceSpec.cpu(), options);
  }

  @Test
  void is_registered_for_service_loading() {
    assertThat(ServiceLoader.load(ImageGeneratorProvider.class).stream().map(ServiceLoader.Provider::type))
        .contains(StableDiffusionGeneratorProvider.class);
  }

  @Test
  void gives_no_generator_without_an_installed_checkpoint(@TempDir Path dir) {
    StableDiffusionGeneratorProvider p = new StableDiffusionGeneratorProvider();
    assertThat(p.create(ctx(Map.of("embedded", "false")))).isNull();
    assertThat(p.create(ctx(Map.of("models.dir", dir.toString())))).isNull();
    assertThat(p.create(ctx(Map.of("models.dir", dir.resolve("absent").toString())))).isNull();
    assertThat(p.create(ctx(Map.of("checkpoint", dir.resolve("absent.safetensors").toString())))).isNull();
  }

  @Test
  void draws_with_the_embedded_tiny_model_when_no_checkpoint_is_configured() {
    StableDiffusionGeneratorProvider p = new StableDiffusionGeneratorProvider();
    ImageGenerator g = p.create(ctx(Map.of()));
    if (!EmbeddedTinyModel.isAvailable()) {
      assertThat(g).isNull();
      return;
    }
    assertThat(g).isInstanceOf(StableDiffusionGenerator.class);
    assertThat(((Described) g).describe()).contains(EmbeddedTinyModel.CHECKPOINT_FILE);
    ((StableDiffusionGenerator) g).close();
    assertThatThrownBy(() -> p.create(ctx(Map.of("embedded", "maybe"))))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("maybe");
  }

  @Test
  void creates_a_generator_when_a_checkpoint_is_configured(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("m.safetensors"), "not loaded until the first plan");
    ImageGenerator g = new StableDiffusionGeneratorProvider().create(ctx(Map.of("models.dir", dir.toString(), "precision", "fp16")));
    assertThat(g).isInstanceOf(StableDiffusionGenerator.class);
    assertThat(((Described) g).describe()).contains("fp16").contains(dir.toString());
    ((StableDiffusionGenerator) g).close();
    assertThatThrownBy(() -> new StableDiffusionGeneratorProvider().create(
        ctx(Map.of("models.dir", dir.toString(), "precision", "int8"))))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("int8");
  }
}
