package io.chatgen.modeltoken;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import io.chatgen.core.ChatRequest;
import io.chatgen.core.ModelChoice;
import io.chatgen.core.RewrittenPrompt;
import io.chatgen.core.spi.DeviceSpec;
import io.chatgen.core.spi.ModelSelectorProvider;
import io.chatgen.core.spi.StageContext;
import io.chatgen.core.stage.Described;
import io.chatgen.core.stage.ModelSelector;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class ModelTokenSelectorProviderTest {
  @Test
  void the_provider_is_found_through_service_loader() {
    assertThat(ServiceLoader.load(ModelSelectorProvider.class).stream().map(ServiceLoader.Provider::type))
        .contains(ModelTokenSelectorProvider.class);
  }

  @Test
  void device_specs_map_to_djl_devices() {
    assertThat(ModelTokenSelectorProvider.device(DeviceSpec.cpu())).isEqualTo(Device.cpu());
    assertThat(ModelTokenSelectorProvider.device(DeviceSpec.gpu(1))).isEqualTo(Device.gpu(1));
    assertThat(ModelTokenSelectorProvider.device(DeviceSpec.auto())).isNotNull();
  }

  @Test
  void the_provider_creates_the_shipped_starter_selector() throws Exception {
    ModelSelector s = new ModelTokenSelectorProvider()
        .create(new StageContext(DeviceSpec.cpu(), Map.of("modeltoken.topK", "3")));
    try {
      ModelChoice c = s.select(ChatRequest.of("an anime girl in a school uniform under cherry blossoms"),
          new RewrittenPrompt("1girl, school uniform, cherry blossoms, anime", ""));
      assertThat(c.ranked()).hasSize(3);
      assertThat(c.ranked()).noneMatch(m -> m.model().nsfwTagged());
      assertThat(c.model().description()).isEmpty();
      assertThat(((Described) s).describe()).contains("tokens");
    } finally {
      ((AutoCloseable) s).close();
    }
  }
}
