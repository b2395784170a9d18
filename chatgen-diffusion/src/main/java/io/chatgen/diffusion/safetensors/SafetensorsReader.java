package io.chatgen.diffusion.safetensors;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import io.chatgen.core.DataFormatException;
import io.chatgen.core.ModelLoadException;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Opens {@code .safetensors} files after validating their header completely.
 *
 * <p>Checks, in order: the file is not a pickle checkpoint (refused, see {@link #open}); it holds at
 * least the 8-byte header length; the length is at most {@link #MAX_HEADER_BYTES} and fits in the
 * file; the header is strict UTF-8 JSON whose entries name a known dtype, a non-negative shape and
 * a byte range inside the data section whose size equals shape × element size; ranges do not
 * overlap. Nothing is read from the data section here: tensors are memory-mapped one at a time by
 * {@link SafetensorsFile#read}. Stateless and thread-safe.
 */
public final class SafetensorsReader {
  /** Upper bound on the JSON header; real checkpoints have headers of a few hundred kilobytes. */
  public static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

  private static final String PICKLE_ADVICE =
      " is a pickle checkpoint (.ckpt/.pt/.pth/.bin). Loading a pickle can run arbitrary code"
          + " hidden in the file, so ChatGen refuses it. Use the .safetensors version of this"
          + " model instead: Civitai offers a SafeTensor download for most checkpoints, or convert"
          + " the file yourself in a sandbox (for example with the A1111 'Checkpoint Merger' set to"
          + " safetensors, or kohya_ss's conversion tools).";

  private SafetensorsReader() {}

  /**
   * Opens and validates a safetensors file; the returned file owns an open channel and must be
   * closed.
   *
   * @throws ModelLoadException if the file is a pickle checkpoint or cannot be read
   * @throws DataFormatException if the header is malformed (the message names file and problem)
   */
  public static SafetensorsFile open(Path path) {
    String lower = path.getFileName() == null ? "" : path.getFileName().toString().toLowerCase(Locale.ROOT);
    if (lower.endsWith(".ckpt") || lower.endsWith(".pt") || lower.endsWith(".pth")
        || lower.endsWith(".pkl") || lower.endsWith(".bin")) {
      throw new ModelLoadException(path + PICKLE_ADVICE);
    }
    FileChannel channel;
    try {
      channel = FileChannel.open(path, StandardOpenOption.READ);
    } catch (IOException e) {
      throw new ModelLoadException("cannot open checkpoint " + path + ": " + e.getMessage(), e);
    }
    try {
      return readHeader(path, channel);
    } catch (RuntimeException e) {
      closeQuietly(channel, e);
      throw e;
    } catch (IOException e) {
      closeQuietly(channel, e);
      throw new ModelLoadException("cannot read checkpoint " + path + ": " + e.getMessage(), e);
    }
  }

  /** Whether the file starts like a pickle or a torch zip archive (the two .ckpt layouts). */
  static boolean looksLikePickle(ByteBuffer head) {
    if (head.remaining() >= 2 && (head.get(0) & 0xFF) == 0x80 && head.get(1) >= 2 && head.get(1) <= 5) {
      return true;
    }
    return head.remaining() >= 4 && head.get(0) == 'P' && head.get(1) == 'K' && head.get(2) == 3
        && head.get(3) == 4;
  }

  private static SafetensorsFile readHeader(Path path, FileChannel channel) throws IOException {
    long size = channel.size();
    if (size == 0) {
      throw new DataFormatException(path + " is empty (0 bytes): not a safetensors checkpoint;"
          + " download it again");
    }
    ByteBuffer head = ByteBuffer.allocate((int) Math.min(8, size)).order(ByteOrder.LITTLE_ENDIAN);
    readFully(channel, head, 0);
    head.flip();
    if (looksLikePickle(head)) {
      throw new ModelLoadException(path + PICKLE_ADVICE);
    }
    if (size < 8) {
      throw new DataFormatException(path + " has " + size + " bytes, fewer than the 8-byte header"
          + " length of a safetensors file: the file is truncated");
    }
    long headerLength = head.getLong(0);
    if (headerLength < 2 || headerLength > MAX_HEADER_BYTES) {
      throw new DataFormatException(path + " declares a header of " + Long.toUnsignedString(headerLength)
          + " bytes; a safetensors header has 2.." + MAX_HEADER_BYTES + " bytes: not a safetensors"
          + " file, or a corrupted one");
    }
    if (8 + headerLength > size) {
      throw new DataFormatException(path + " declares a header of " + headerLength + " bytes but the"
          + " file has only " + size + " bytes: the file is truncated");
    }
    ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
    readFully(channel, headerBytes, 8);
    headerBytes.flip();
    String json;
    try {
      json = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(headerBytes).toString();
    } catch (CharacterCodingException e) {
      throw new DataFormatException(path + " has a header that is not UTF-8 text: not a"
          + " safetensors file, or a corrupted one", e);
    }
    long dataSize = size - 8 - headerLength;
    return parseHeader(path, channel, json, 8 + headerLength, dataSize);
  }

  private static SafetensorsFile parseHeader(Path path, FileChannel channel, String json,
      long dataStart, long dataSize) {
    JsonObject root;
    try {
      JsonReader reader = new JsonReader(new StringReader(json));
      reader.setStrictness(Strictness.STRICT);
      JsonElement element = JsonParser.parseReader(reader);
      if (!element.isJsonObject()) {
        throw new DataFormatException(path + " has a header that is not a JSON object");
      }
      root = element.getAsJsonObject();
    } catch (JsonParseException | IllegalStateException e) {
      throw new DataFormatException(path + " has a header that is not valid JSON: " + e.getMessage(), e);
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    Map<String, TensorInfo> tensors = new LinkedHashMap<>();
    for (Map.Entry<String, JsonElement> entry : root.entrySet()) {
      String name = entry.getKey();
      if (name.equals("__metadata__")) {
        readMetadata(path, entry.getValue(), metadata);
        continue;
      }
      tensors.put(name, readTensor(path, name, entry.getValue(), dataSize));
    }
    List<TensorInfo> byOffset = new ArrayList<>(tensors.values());
    byOffset.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
    TensorInfo previous = null;
    for (TensorInfo t : byOffset) {
      if (previous != null && t.begin() < previous.end() && t.byteLength() > 0 && previous.byteLength() > 0) {
        throw new DataFormatException(path + ": tensors '" + previous.name() + "' [" + previous.begin()
            + ", " + previous.end() + ") and '" + t.name() + "' [" + t.begin() + ", " + t.end()
            + ") overlap in the data section: the header is corrupted");
      }
      if (previous == null || t.end() > previous.end()) {
        previous = t;
      }
    }
    return new SafetensorsFile(path, channel, dataStart, dataSize, tensors, metadata);
  }

  private static void readMetadata(Path path, JsonElement value, Map<String, String> metadata) {
    if (!value.isJsonObject()) {
      throw new DataFormatException(path + ": __metadata__ must be a JSON object of strings");
    }
    for (Map.Entry<String, JsonElement> m : value.getAsJsonObject().entrySet()) {
      if (!m.getValue().isJsonPrimitive() || !m.getValue().getAsJsonPrimitive().isString()) {
        throw new DataFormatException(path + ": __metadata__ entry '" + m.getKey()
            + "' must be a string, was " + m.getValue());
      }
      metadata.put(m.getKey(), m.getValue().getAsString());
    }
  }

  private static TensorInfo readTensor(Path path, String name, JsonElement value, long dataSize) {
    String where = path + ": tensor '" + name + "'";
    if (!value.isJsonObject()) {
      throw new DataFormatException(where + " is not a JSON object");
    }
    JsonObject o = value.getAsJsonObject();
    JsonElement dtypeElement = o.get("dtype");
    if (dtypeElement == null || !dtypeElement.isJsonPrimitive() || !dtypeElement.getAsJsonPrimitive().isString()) {
      throw new DataFormatException(where + " has no string 'dtype'");
    }
    String dtypeName = dtypeElement.getAsString();
    SafetensorsDType dtype = SafetensorsDType.fromHeaderName(dtypeName).orElseThrow(() ->
        new DataFormatException(where + " has unknown dtype '" + dtypeName + "'; the format knows "
            + SafetensorsDType.knownNames()));
    long[] shape = longArray(where, o.get("shape"), "shape", -1);
    long[] offsets = longArray(where, o.get("data_offsets"), "data_offsets", 2);
    if (offsets[1] < offsets[0] || offsets[1] > dataSize) {
      throw new DataFormatException(where + " has data_offsets [" + offsets[0] + ", " + offsets[1]
          + "] outside the data section of " + dataSize + " bytes: the file is truncated or its"
          + " header is corrupted");
    }
    try {
      return new TensorInfo(name, dtype, shape, offsets[0], offsets[1]);
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new DataFormatException(path + ": " + e.getMessage(), e);
    }
  }

  private static long[] longArray(String where, JsonElement e, String field, int expectedLength) {
    if (e == null || !e.isJsonArray()) {
      throw new DataFormatException(where + " has no '" + field + "' array");
    }
    JsonArray array = e.getAsJsonArray();
    if (expectedLength >= 0 && array.size() != expectedLength) {
      throw new DataFormatException(where + " has '" + field + "' with " + array.size()
          + " entries, expected " + expectedLength);
    }
    long[] values = new long[array.size()];
    for (int i = 0; i < values.length; i++) {
      JsonElement v = array.get(i);
      long parsed;
      try {
        if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isNumber()) {
          throw new NumberFormatException(String.valueOf(v));
        }
        parsed = v.getAsJsonPrimitive().getAsBigDecimal().longValueExact();
      } catch (NumberFormatException | ArithmeticException ex) {
        throw new DataFormatException(where + " has a non-integer entry " + v + " in '" + field + "'", ex);
      }
      if (parsed < 0) {
        throw new DataFormatException(where + " has a negative entry " + parsed + " in '" + field + "'");
      }
      values[i] = parsed;
    }
    return values;
  }

  private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
    long pos = position;
    while (buffer.hasRemaining()) {
      int n = channel.read(buffer, pos);
      if (n < 0) {
        throw new IOException("unexpected end of file at byte " + pos);
      }
      pos += n;
    }
  }

  private static void closeQuietly(FileChannel channel, Throwable primary) {
    try {
      channel.close();
    } catch (IOException e) {
      primary.addSuppressed(e);
    }
  }
}
