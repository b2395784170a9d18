package io.chatgen.diffusion.safetensors;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.chatgen.core.DataFormatException;
import io.chatgen.core.ModelLoadException;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * An opened, validated safetensors file. Tensors are read one at a time: each read memory-maps only
 * that tensor's byte range and copies it into engine-owned memory, so the heap never holds the
 * checkpoint. Owns an open file channel: close it. Reads are safe from several threads (positional
 * mapping only), but closing while another thread reads is not.
 */
public final class SafetensorsFile implements AutoCloseable {
  private final Path path;
  private final FileChannel channel;
  private final long dataStart;
  private final long dataSize;
  private final Map<String, TensorInfo> tensors;
  private final Map<String, String> metadata;
  private volatile boolean closed;

  SafetensorsFile(Path path, FileChannel channel, long dataStart, long dataSize,
      Map<String, TensorInfo> tensors, Map<String, String> metadata) {
    this.path = path;
    this.channel = channel;
    this.dataStart = dataStart;
    this.dataSize = dataSize;
    this.tensors = Collections.unmodifiableMap(tensors);
    this.metadata = Collections.unmodifiableMap(metadata);
  }

  /** The file this was opened from. */
  public Path path() {
    return path;
  }

  /** Tensor names in header order. */
  public Set<String> names() {
    return tensors.keySet();
  }

  /** All header entries by name. */
  public Map<String, TensorInfo> tensors() {
    return tensors;
  }

  /** The header entry of a tensor, if present. */
  public Optional<TensorInfo> info(String name) {
    return Optional.ofNullable(tensors.get(name));
  }

  /** The {@code __metadata__} strings of the header (empty when absent). */
  public Map<String, String> metadata() {
    return metadata;
  }

  /** Size of the data section in bytes. */
  public long dataSize() {
    return dataSize;
  }

  /**
   * Reads a tensor in its stored type (BF16 is widened to FLOAT32) into a new NDArray owned by
   * {@code manager}.
   *
   * @throws ModelLoadException if the tensor is absent or the file cannot be read
   * @throws DataFormatException if the tensor's dtype cannot be represented as an NDArray
   */
  public NDArray read(String name, NDManager manager) {
    TensorInfo info = tensors.get(name);
    if (info == null) {
      throw new ModelLoadException(path + " has no tensor '" + name + "'");
    }
    DataType type = info.dtype().djlType().orElseThrow(() -> new DataFormatException(path
        + ": tensor '" + name + "' has dtype " + info.dtype() + ", which ChatGen cannot read;"
        + " supported: F32, F16, BF16, F64, I64, I32, I8, U8, BOOL"));
    Shape shape = new Shape(info.shape());
    if (info.elementCount() == 0) {
      return manager.zeros(shape, type);
    }
    ByteBuffer bytes = map(info);
    try {
      if (info.dtype() == SafetensorsDType.BF16) {
        return manager.create(widenBf16(bytes.asShortBuffer(), info.elementCount()), shape);
      }
      // The engine wraps a direct buffer without copying; duplicate() gives the tensor its own
      // memory so that nothing keeps the mapping (or the file) alive.
      try (NDArray view = manager.create(bytes, shape, type)) {
        return view.duplicate();
      }
    } finally {
      unmap(bytes);
    }
  }

  /**
   * Releases a mapping now instead of at some later garbage collection: otherwise the mapped pages
   * of every tensor read so far stay in the process's resident set, doubling peak RSS while a
   * multi-gigabyte checkpoint loads. Only called once nothing refers to the buffer any more.
   */
  private static void unmap(ByteBuffer buffer) {
    if (UNMAP != null && buffer.isDirect()) {
      try {
        UNMAP.invokeExact(buffer);
      } catch (Throwable e) {
        // not fatal: the mapping is released when the buffer is collected
      }
    }
  }

  private static final @Nullable MethodHandle UNMAP = findUnmapper();

  private static @Nullable MethodHandle findUnmapper() {
    try {
      Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
      Field f = unsafeClass.getDeclaredField("theUnsafe");
      f.setAccessible(true);
      Object unsafe = f.get(null);
      return MethodHandles.lookup()
          .findVirtual(unsafeClass, "invokeCleaner", MethodType.methodType(void.class, ByteBuffer.class))
          .bindTo(unsafe);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  /**
   * Reads a tensor and converts it to {@code target} (for example F16 weights to FLOAT32).
   *
   * @throws ModelLoadException if the tensor is absent or the file cannot be read
   */
  public NDArray read(String name, NDManager manager, DataType target) {
    NDArray stored = read(name, manager);
    if (stored.getDataType() == target) {
      return stored;
    }
    try (stored) {
      return stored.toType(target, true);
    }
  }

  /**
   * Maps one tensor's bytes read-only, little-endian. The buffer stays valid after {@link #close()}
   * (until it is garbage collected) but must not be used once the file changed on disk.
   */
  public ByteBuffer map(TensorInfo info) {
    if (closed) {
      throw new IllegalStateException(path + " is closed");
    }
    if (info.byteLength() > Integer.MAX_VALUE - 8) {
      throw new DataFormatException(path + ": tensor '" + info.name() + "' has "
          + info.byteLength() + " bytes; tensors of 2 GiB or more are not supported");
    }
    try {
      long needed = dataStart + info.end();
      // A file truncated after it was opened would turn a mapped read into SIGBUS in native code.
      if (channel.size() < needed) {
        throw new DataFormatException(path + " shrank to " + channel.size() + " bytes while open;"
            + " tensor '" + info.name() + "' needs " + needed);
      }
      return channel.map(FileChannel.MapMode.READ_ONLY, dataStart + info.begin(), info.byteLength())
          .order(ByteOrder.LITTLE_ENDIAN);
    } catch (IOException e) {
      throw new ModelLoadException("cannot map tensor '" + info.name() + "' of " + path + ": "
          + e.getMessage(), e);
    }
  }

  private static FloatBuffer widenBf16(ShortBuffer in, long count) {
    FloatBuffer out = FloatBuffer.allocate(Math.toIntExact(count));
    for (int i = 0; i < count; i++) {
      out.put(Float.intBitsToFloat((in.get(i) & 0xFFFF) << 16));
    }
    out.flip();
    return out;
  }

  /** Closes the channel; tensors already read stay valid (they own their memory). */
  @Override
  public void close() {
    closed = true;
    try {
      channel.close();
    } catch (IOException e) {
      throw new ModelLoadException("cannot close " + path + ": " + e.getMessage(), e);
    }
  }
}
