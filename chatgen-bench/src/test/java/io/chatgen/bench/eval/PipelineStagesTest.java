package io.chatgen.bench.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatgen.core.ConfiguredParams;
import io.chatgen.core.GenerationParams;
import io.chatgen.core.Stage;
import io.chatgen.core.spi.ModelSelectorProvider;
import io.chatgen.core.spi.ParamConfiguratorProvider;
import io.chatgen.core.spi.StageContext;
import io.chatgen.core.stage.ModelSelector;
import io.chatgen.core.stage.ParamConfigurator;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Enumeration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Discovery reports a missing, unloadable or failing stage as absent instead of failing the run. */
class PipelineStagesTest {
  @TempDir
  Path dir;

  /** Fails to create its stage, as a stage whose artifacts are missing would. */
  public static final class FailingSelectorProvider implements ModelSelectorProvider {
    @Override
    public ModelSelector create(StageContext context) {
      throw new IllegalStateException("vocabulary artifact missing");
    }
  }

  /** Works. */
  public static final class FixedConfiguratorProvider implements ParamConfiguratorProvider {
    @Override
    public ParamConfigurator create(StageContext context) {
      return (req, prompt, choice) -> ConfiguredParams.of(GenerationParams.defaults());
    }
  }

  /** Sees only the service files written into the temporary folder, not the real stage modules. */
  private ClassLoader isolated() {
    return new ClassLoader(getClass().getClassLoader()) {
      @Override
      public Enumeration<URL> getResources(String name) throws IOException {
        Path p = dir.resolve(name);
        return Collections.enumeration(Files.isRegularFile(p) ? List.of(p.toUri().toURL()) : List.<URL>of());
      }
    };
  }

  private void service(Class<?> type, String implementation) throws IOException {
    Path p = dir.resolve("META-INF/services/" + type.getName());
    Files.createDirectories(p.getParent());
    Files.writeString(p, implementation + "\n");
  }

  @Test
  void a_missing_unloadable_or_failing_stage_is_absent_with_the_reason() throws IOException {
    service(ModelSelectorProvider.class, FailingSelectorProvider.class.getName());
    service(ParamConfiguratorProvider.class, FixedConfiguratorProvider.class.getName());
    service(io.chatgen.core.spi.PromptRewriterProvider.class, "io.chatgen.nowhere.NoSuchProvider");
    try (PipelineStages s = PipelineStages.discover(StageContext.defaults(), isolated(), EnumSet.allOf(Stage.class))) {
      assertThat(s.configurator()).isNotNull();
      assertThat(s.present()).containsExactly(Stage.CONFIGURE);
      assertThat(s.absent().get(Stage.SELECT)).contains("vocabulary artifact missing");
      assertThat(s.absent().get(Stage.REWRITE)).contains("failed to load");
      assertThat(s.absent().get(Stage.GENERATE)).contains("no ImageGeneratorProvider");
      assertThat(s.canPlan()).isFalse();
      assertThat(new PipelineSystem(s).capabilities())
          .isEqualTo(Capabilities.NONE.withGoldModelParams());
    }
  }

  @Test
  void stages_not_requested_are_absent_even_when_present() throws IOException {
    service(ParamConfiguratorProvider.class, FixedConfiguratorProvider.class.getName());
    try (PipelineStages s = PipelineStages.discover(StageContext.defaults(), isolated(), EnumSet.of(Stage.SELECT))) {
      assertThat(s.configurator()).isNull();
      assertThat(s.absent().get(Stage.CONFIGURE)).contains("not requested");
    }
  }
}
