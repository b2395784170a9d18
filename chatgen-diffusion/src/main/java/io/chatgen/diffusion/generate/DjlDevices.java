package io.chatgen.diffusion.generate;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.chatgen.core.InvalidRequestException;
import io.chatgen.core.spi.DeviceSpec;

/** Maps the SDK's engine-free {@link DeviceSpec} to a DJL {@link Device}. */
final class DjlDevices {
  private DjlDevices() {}

  static Device toDjl(DeviceSpec spec) {
    return switch (spec.kind()) {
      case CPU -> Device.cpu();
      case AUTO -> Engine.getInstance().getGpuCount() > 0 ? Device.gpu(0) : Device.cpu();
      case GPU -> {
        int gpus = Engine.getInstance().getGpuCount();
        if (spec.index() >= gpus) {
          throw new InvalidRequestException("GPU " + spec.index() + " requested but the engine sees "
              + gpus + " GPU(s); use cpu or a GPU index below " + gpus);
        }
        yield Device.gpu(spec.index());
      }
    };
  }
}
