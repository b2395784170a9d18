package io.chatgen.diffusion.safetensors;

import ai.djl.ndarray.types.DataType;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The element types a safetensors header may name. Every type of the format is known so that
 * byte lengths can be validated; {@link #isReadable()} says which ones can be turned into an
 * {@code NDArray} (the floating types used by checkpoints plus the integer buffers some of them
 * carry, such as CLIP's {@code position_ids}).
 */
public enum SafetensorsDType {
  F64(8, DataType.FLOAT64),
  F32(4, DataType.FLOAT32),
  F16(2, DataType.FLOAT16),
  /** bfloat16: read by widening to float32 in Java, so it does not depend on engine support. */
  BF16(2, DataType.FLOAT32),
  I64(8, DataType.INT64),
  I32(4, DataType.INT32),
  I16(2, null),
  I8(1, DataType.INT8),
  U8(1, DataType.UINT8),
  U16(2, null),
  U32(4, null),
  U64(8, null),
  BOOL(1, DataType.BOOLEAN),
  F8_E4M3(1, null),
  F8_E5M2(1, null);

  private final int byteSize;
  private final @Nullable DataType djlType;

  SafetensorsDType(int byteSize, @Nullable DataType djlType) {
    this.byteSize = byteSize;
    this.djlType = djlType;
  }

  /** Bytes per element. */
  public int byteSize() {
    return byteSize;
  }

  /** Whether {@link SafetensorsFile#read} can turn a tensor of this type into an NDArray. */
  public boolean isReadable() {
    return djlType != null;
  }

  /** Whether this is one of the floating types model weights are stored in (F32, F16, BF16). */
  public boolean isWeightType() {
    return this == F32 || this == F16 || this == BF16;
  }

  /** The DJL type a tensor of this dtype is read as (BF16 is widened to FLOAT32). */
  public Optional<DataType> djlType() {
    return Optional.ofNullable(djlType);
  }

  /** The header name of a dtype, or empty when the name is not part of the format. */
  public static Optional<SafetensorsDType> fromHeaderName(String name) {
    for (SafetensorsDType t : values()) {
      if (t.name().equals(name)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  /** The dtype that stores a DJL type, for the writer. */
  public static SafetensorsDType of(DataType type) {
    return switch (type) {
      case FLOAT64 -> F64;
      case FLOAT32 -> F32;
      case FLOAT16 -> F16;
      case INT64 -> I64;
      case INT32 -> I32;
      case INT8 -> I8;
      case UINT8 -> U8;
      case BOOLEAN -> BOOL;
      default -> throw new IllegalArgumentException(
          "NDArray type " + type + " cannot be stored in safetensors; convert it to FLOAT32 first");
    };
  }

  static String knownNames() {
    return Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));
  }
}
