package io.chatgen.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatgen.core.BaseArchitecture;
import io.chatgen.core.ChatRequest;
import io.chatgen.core.ConfiguredParams;
import io.chatgen.core.GeneratedImage;
import io.chatgen.core.GenerationParams;
import io.chatgen.core.InvalidRequestException;
import io.chatgen.core.ModelCard;
import io.chatgen.core.ModelChoice;
import io.chatgen.core.RewrittenPrompt;
import io.chatgen.core.spi.ImageGeneratorProvider;
import io.chatgen.core.spi.ModelSelectorProvider;
import io.chatgen.core.spi.ParamConfiguratorProvider;
import io.chatgen.core.spi.StageContext;
import io.chatgen.core.stage.ImageGenerator;
import io.chatgen.core.stage.ModelSelector;
import io.chatgen.core.stage.ParamConfigurator;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
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

  /** Creates a selector that holds something to close, and counts how often one is closed. */
  public static final class ClosingSelectorProvider implements ModelSelectorProvider {
    static final AtomicInteger CLOSED = new AtomicInteger();

    @Override
    public ModelSelector create(StageContext context) {
      return new ClosingSelector();
    }
  }

  private static final class ClosingSelector implements ModelSelector, AutoCloseable {
    @Override
    public ModelChoice select(ChatRequest request, RewrittenPrompt prompt) {
      return ModelChoice.forced(ModelCard.of(1, 1, "M", BaseArchitecture.SD_1));
    }

    @Override
    public void close() {
      ClosingSelectorProvider.CLOSED.incrementAndGet();
    }
  }

  /** Refuses its option, as a provider given a bad value does. */
  public static final class RefusingConfiguratorProvider implements ParamConfiguratorProvider {
    @Override
    public ParamConfigurator create(StageContext context) {
      throw new InvalidRequestException("params.k must be a whole number, was \"many\"");
    }
  }

  @Test
  void a_stage_that_cannot_be_built_frees_the_stages_built_before_it(@TempDir Path dir) throws IOException {
    Path services = dir.resolve("META-INF/services");
    Files.createDirectories(services);
    Files.writeString(services.resolve(ModelSelectorProvider.class.getName()), ClosingSelectorProvider.class.getName());
    Files.writeString(services.resolve(ParamConfiguratorProvider.class.getName()),
        RefusingConfiguratorProvider.class.getName());
    ClosingSelectorProvider.CLOSED.set(0);
    try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
      assertThatThrownBy(() -> ChatGen.builder().classLoader(loader).rewriter(r -> new RewrittenPrompt(r.message(), ""))
          .withoutGenerator().build())
          .isInstanceOf(InvalidRequestException.class).hasMessageContaining("params.k");
      assertThat(ClosingSelectorProvider.CLOSED).hasValue(1);
      // a selector the caller gave stays the caller's: not closed when the build fails
      ClosingSelector given = new ClosingSelector();
      assertThatThrownBy(() -> ChatGen.builder().classLoader(loader).rewriter(r -> new RewrittenPrompt(r.message(), ""))
          .selector(given).withoutGenerator().build()).isInstanceOf(InvalidRequestException.class);
      assertThat(ClosingSelectorProvider.CLOSED).hasValue(1);
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
