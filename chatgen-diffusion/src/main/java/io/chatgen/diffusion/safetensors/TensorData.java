package io.chatgen.diffusion.safetensors;

import ai.djl.ndarray.NDArray;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * One tensor to write: dtype, shape and its little-endian bytes. Holds the bytes on the heap, so it
 * is meant for tests and small models (the writer is not a tool for multi-gigabyte checkpoints).
 */
public record TensorData(SafetensorsDType dtype, long[] shape, byte[] bytes) {

  /** Validates that the byte count matches shape × element size. */
  public TensorData {
    if (dtype == null || shape == null || bytes == null) {
      throw new IllegalArgumentException("dtype, shape and bytes must not be null");
    }
    shape = shape.clone();
    long count = 1;
    for (long d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
      }
      count = Math.multiplyExact(count, d);
    }
    if (count * dtype.byteSize() != bytes.length) {
      throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " of " + dtype + " needs "
          + count * dtype.byteSize() + " bytes, got " + bytes.length);
    }
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  /** A float32 tensor. */
  public static TensorData ofFloats(long[] shape, float[] values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(values);
    return new TensorData(SafetensorsDType.F32, shape, b.array());
  }

  /** A copy of an NDArray's contents in its own type (FLOAT32, FLOAT16, integer types). */
  public static TensorData of(NDArray array) {
    SafetensorsDType dtype = SafetensorsDType.of(array.getDataType());
    ByteBuffer b = array.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    byte[] bytes = new byte[b.remaining()];
    b.get(bytes);
    return new TensorData(dtype, array.getShape().getShape(), bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TensorData t && t.dtype == dtype && Arrays.equals(t.shape, shape)
        && Arrays.equals(t.bytes, bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(shape) * 31 + Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return "TensorData[" + dtype + Arrays.toString(shape) + "]";
  }
}
