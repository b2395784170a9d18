package io.chatgen.core.spi;

import java.util.Map;
import java.util.Optional;

/**
 * What a provider is told when it creates a default stage.
 *
 * @param device where DJL-backed stages should compute
 * @param options free-form settings passed through from the builder (e.g. "models.dir")
 */
public record StageContext(DeviceSpec device, Map<String, String> options) {
  public StageContext {
    if (device == null) {
      throw new io.chatgen.core.InvalidRequestException("device must not be null");
    }
    options = Map.copyOf(options);
  }

  public static StageContext defaults() {
    return new StageContext(DeviceSpec.auto(), Map.of());
  }

  public Optional<String> option(String key) {
    return Optional.ofNullable(options.get(key));
  }
}
