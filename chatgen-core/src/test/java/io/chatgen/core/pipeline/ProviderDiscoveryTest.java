package io.chatgen.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatgen.core.BaseArchitecture;
import io.chatgen.core.ConfiguredParams;
import io.chatgen.core.GeneratedImage;
import io.chatgen.core.GenerationParams;
import io.chatgen.core.ModelCard;
import io.chatgen.core.ModelChoice;
import io.chatgen.core.RewrittenPrompt;
import io.chatgen.core.spi.ImageGeneratorProvider;
import io.chatgen.core.spi.StageContext;
import io.chatgen.core.stage.ImageGenerator;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProviderDiscoveryTest {

  /** Has nothing to draw with, like a Stable Diffusion provider with no checkpoint installed. */
  public static final class NothingInstalled implements ImageGeneratorProvider {
    @Override
    public ImageGenerator create(StageContext context) {
      return null;
    }

    @Override
    public int priority() {
      return 10;
    }
  }

  /** A lower-priority fallback that can always draw (a one-pixel image). */
  public static final class OnePixel implements ImageGeneratorProvider {
    @Override
    public ImageGenerator create(StageContext context) {
      return (plan, progress) -> new GeneratedImage(plan, 1, 1, new int[] {0x123456}, plan.model(),
          Duration.ZERO, List.of("one pixel"));
    }

    @Override
    public int priority() {
      return 1;
    }
  }

  @Test
  void asks_the_next_provider_when_the_preferred_one_has_nothing_to_offer(@TempDir Path dir) throws IOException {
    Path services = dir.resolve("META-INF/services");
    Files.createDirectories(services);
    Files.writeString(services.resolve(ImageGeneratorProvider.class.getName()),
        OnePixel.class.getName() + "\n" + NothingInstalled.class.getName() + "\n");
    ModelCard card = ModelCard.of(1, 1, "M", BaseArchitecture.SD_1);
    try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
      ChatGen chatGen = ChatGen.builder().classLoader(loader)
          .rewriter(r -> new RewrittenPrompt(r.message(), ""))
          .selector((r, p) -> ModelChoice.forced(card))
          .configurator((r, p, c) -> ConfiguredParams.of(GenerationParams.defaults()))
          .build();
      assertThat(chatGen.generator()).isPresent();
      GeneratedImage image = chatGen.generate(io.chatgen.core.ChatRequest.of("a dot"));
      assertThat(image.notes()).containsExactly("one pixel");
      assertThat(chatGen.provenance()).containsKey(io.chatgen.core.Stage.GENERATE);
    }
  }
}
