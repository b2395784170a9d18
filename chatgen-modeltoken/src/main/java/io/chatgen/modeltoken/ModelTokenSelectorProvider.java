package io.chatgen.modeltoken;

import ai.djl.Device;
import io.chatgen.core.spi.DeviceSpec;
import io.chatgen.core.spi.ModelSelectorProvider;
import io.chatgen.core.spi.StageContext;
import io.chatgen.core.stage.ModelSelector;

/**
 * Offers the starter {@link ModelTokenSelector} to the pipeline through {@code ServiceLoader}.
 * Options read from the context: {@code modeltoken.safeMode} ("false" turns safe mode off) and
 * {@code modeltoken.topK}.
 */
public final class ModelTokenSelectorProvider implements ModelSelectorProvider {
  @Override
  public ModelSelector create(StageContext context) {
    ModelTokenSelector.Builder b = ModelTokenSelector.builder().optDevice(device(context.device()));
    context.option("modeltoken.safeMode").ifPresent(v -> b.optSafeMode(!"false".equalsIgnoreCase(v.trim())));
    context.option("modeltoken.topK").ifPresent(v -> {
      try {
        b.optTopK(Integer.parseInt(v.trim()));
      } catch (NumberFormatException e) {
        throw new io.chatgen.core.InvalidRequestException("option modeltoken.topK must be an integer, was \"" + v + "\"");
      }
    });
    return b.build();
  }

  @Override
  public int priority() {
    return 10;
  }

  @Override
  public String name() {
    return "modeltoken";
  }

  /** Maps the engine-free device spec to DJL: AUTO is DJL's default device (the first GPU, else CPU). */
  public static Device device(DeviceSpec spec) {
    return switch (spec.kind()) {
      case AUTO -> ai.djl.engine.Engine.getInstance().defaultDevice();
      case CPU -> Device.cpu();
      case GPU -> Device.gpu(spec.index());
    };
  }
}
