package io.chatgen.params;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatgen.core.InvalidRequestException;
import io.chatgen.core.ModelLoadException;
import io.chatgen.core.spi.DeviceSpec;
import io.chatgen.core.spi.ParamConfiguratorProvider;
import io.chatgen.core.spi.StageContext;
import io.chatgen.core.stage.ParamConfigurator;
import io.chatgen.params.resource.ParamResource;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProviderTest {
  @Test
  void the_provider_is_discovered_and_creates_the_shipped_configurator() {
    List<ParamConfiguratorProvider> found = ServiceLoader.load(ParamConfiguratorProvider.class).stream()
        .map(ServiceLoader.Provider::get).toList();
    assertThat(found).hasAtLeastOneElementOfType(InContextParamConfiguratorProvider.class);
    ParamConfiguratorProvider p = found.stream().filter(x -> x instanceof InContextParamConfiguratorProvider)
        .findFirst().orElseThrow();
    assertThat(p.name()).isEqualTo("in-context");
    ParamConfigurator c = p.create(StageContext.defaults());
    assertThat(c).isInstanceOf(InContextConfigurator.class);
    assertThat(((InContextConfigurator) c).resource().demos()).isNotEmpty();
  }

  @Test
  void a_resource_file_and_k_can_be_given_as_options(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("mine.bin.gz");
    try (OutputStream o = Files.newOutputStream(file)) {
      Fixtures.resource().write(o);
    }
    ParamConfigurator c = new InContextParamConfiguratorProvider().create(new StageContext(DeviceSpec.auto(),
        Map.of(InContextParamConfiguratorProvider.RESOURCE_OPTION, file.toString(),
            InContextParamConfiguratorProvider.K_OPTION, "3", InContextParamConfiguratorProvider.HEDGE_OPTION, "0.5",
            InContextParamConfiguratorProvider.OTHER_VERSION_OPTION, "1",
            InContextParamConfiguratorProvider.UNVERIFIED_OPTION, "0.5",
            InContextParamConfiguratorProvider.SPREAD_OPTION, "0.2")));
    assertThat(((InContextConfigurator) c).resource().demos()).hasSize(Fixtures.demos().size());
    assertThat(((InContextConfigurator) c).describe()).contains("k=3", "hedge=0.5", "otherVersionWeight=1.0",
        "unverifiedWeight=0.5", "spreadWeight=0.2");
    assertThatThrownBy(() -> new InContextParamConfiguratorProvider().create(new StageContext(DeviceSpec.auto(),
        Map.of(InContextParamConfiguratorProvider.HEDGE_OPTION, "-1")))).isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("-1");
    assertThatThrownBy(() -> new InContextParamConfiguratorProvider().create(new StageContext(DeviceSpec.auto(),
        Map.of(InContextParamConfiguratorProvider.RESOURCE_OPTION, dir.resolve("missing").toString()))))
        .isInstanceOf(ModelLoadException.class).hasMessageContaining("missing");
    assertThatThrownBy(() -> new InContextParamConfiguratorProvider().create(new StageContext(DeviceSpec.auto(),
        Map.of(InContextParamConfiguratorProvider.K_OPTION, "ten")))).isInstanceOf(InvalidRequestException.class);
  }

  @Test
  void the_shipped_resource_has_no_prompt_texts() {
    ParamResource r = ParamResource.loadShipped();
    assertThat(r.demos()).allSatisfy(d -> assertThat(d.prompt()).isNull());
  }
}
