package io.chatgen.diffusion.safetensors;

import java.util.Arrays;

/**
 * One tensor's header entry, already validated: dtype, shape and its byte range relative to the
 * start of the data section (begin inclusive, end exclusive).
 */
public record TensorInfo(String name, SafetensorsDType dtype, long[] shape, long begin, long end) {

  /** Validates that the byte range is well formed and matches shape times element size. */
  public TensorInfo {
    if (name == null || dtype == null || shape == null) {
      throw new IllegalArgumentException("name, dtype and shape must not be null");
    }
    shape = shape.clone();
    long count = 1;
    for (long d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException(
            "tensor '" + name + "' has a negative dimension in shape " + Arrays.toString(shape));
      }
      count = Math.multiplyExact(count, d);
    }
    if (begin < 0 || end < begin) {
      throw new IllegalArgumentException(
          "tensor '" + name + "' has byte range [" + begin + ", " + end + ")");
    }
    long bytes = Math.multiplyExact(count, (long) dtype.byteSize());
    if (end - begin != bytes) {
      throw new IllegalArgumentException(
          "tensor '" + name + "' has " + (end - begin) + " bytes but shape " + Arrays.toString(shape)
              + " of " + dtype + " needs " + bytes);
    }
  }

  /** A copy of the shape. */
  @Override
  public long[] shape() {
    return shape.clone();
  }

  /** Number of elements. */
  public long elementCount() {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return n;
  }

  /** Number of bytes in the data section. */
  public long byteLength() {
    return end - begin;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TensorInfo t && t.name.equals(name) && t.dtype == dtype
        && Arrays.equals(t.shape, shape) && t.begin == begin && t.end == end;
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(shape);
  }

  @Override
  public String toString() {
    return name + " " + dtype + Arrays.toString(shape) + " @[" + begin + ", " + end + ")";
  }
}
