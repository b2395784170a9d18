package io.chatgen.core.spi;

import io.chatgen.core.InvalidRequestException;
import java.util.Locale;

/**
 * Where a component should compute, without naming an engine: stage modules map it to their
 * engine's device (DJL's {@code Device}).
 *
 * @param kind automatic, CPU or GPU
 * @param index the GPU index (0 for CPU and automatic)
 */
public record DeviceSpec(Kind kind, int index) {
  /** Which kind of device. */
  public enum Kind {
    /** The first GPU when the engine sees one, else the CPU. */
    AUTO,
    CPU,
    GPU
  }

  public DeviceSpec {
    if (kind == null) {
      throw new InvalidRequestException("device kind must not be null");
    }
    if (index < 0) {
      throw new InvalidRequestException("device index must be >= 0, was " + index);
    }
  }

  public static DeviceSpec auto() {
    return new DeviceSpec(Kind.AUTO, 0);
  }

  public static DeviceSpec cpu() {
    return new DeviceSpec(Kind.CPU, 0);
  }

  public static DeviceSpec gpu(int index) {
    return new DeviceSpec(Kind.GPU, index);
  }

  /** Parses "auto", "cpu", "gpu" or "gpu:N" (also "cuda:N"). */
  public static DeviceSpec parse(String text) {
    String s = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    if (s.equals("auto")) {
      return auto();
    }
    if (s.equals("cpu")) {
      return cpu();
    }
    if (s.equals("gpu") || s.equals("cuda")) {
      return gpu(0);
    }
    int colon = s.indexOf(':');
    if (colon > 0 && (s.startsWith("gpu") || s.startsWith("cuda"))) {
      try {
        return gpu(Integer.parseInt(s.substring(colon + 1)));
      } catch (NumberFormatException e) {
        // fall through to the error below
      }
    }
    throw new InvalidRequestException("unknown device \"" + text + "\"; use auto, cpu, gpu or gpu:N");
  }
}
