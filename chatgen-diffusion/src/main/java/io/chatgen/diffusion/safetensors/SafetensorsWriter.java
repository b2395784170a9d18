package io.chatgen.diffusion.safetensors;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.chatgen.core.AtomicFiles;
import io.chatgen.core.ModelLoadException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes safetensors files: tensors in name order, header padded with spaces to a multiple of 8
 * bytes (as the reference implementation does). The file is written next to its destination and
 * moved into place atomically, so a reader never sees a half-written checkpoint. Thread-safe.
 */
public final class SafetensorsWriter {
  private SafetensorsWriter() {}

  /**
   * Writes {@code tensors} and {@code metadata} to {@code path}, replacing it.
   *
   * @throws ModelLoadException if the file cannot be written
   */
  public static void write(Path path, Map<String, TensorData> tensors, Map<String, String> metadata) {
    Map<String, TensorData> sorted = new TreeMap<>(tensors);
    JsonObject header = new JsonObject();
    if (!metadata.isEmpty()) {
      JsonObject meta = new JsonObject();
      new TreeMap<>(metadata).forEach(meta::addProperty);
      header.add("__metadata__", meta);
    }
    long offset = 0;
    for (Map.Entry<String, TensorData> e : sorted.entrySet()) {
      if (e.getKey().equals("__metadata__")) {
        throw new IllegalArgumentException("'__metadata__' is reserved and cannot name a tensor");
      }
      TensorData t = e.getValue();
      JsonObject entry = new JsonObject();
      entry.addProperty("dtype", t.dtype().name());
      JsonArray shape = new JsonArray();
      for (long d : t.shape()) {
        shape.add(d);
      }
      entry.add("shape", shape);
      JsonArray offsets = new JsonArray();
      offsets.add(offset);
      offset += t.bytes().length;
      offsets.add(offset);
      entry.add("data_offsets", offsets);
      header.add(e.getKey(), entry);
    }
    byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
    int padded = (json.length + 7) / 8 * 8;
    byte[] headerBytes = new byte[padded];
    System.arraycopy(json, 0, headerBytes, 0, json.length);
    for (int i = json.length; i < padded; i++) {
      headerBytes[i] = ' ';
    }
    try {
      AtomicFiles.write(path, tmp -> {
        try (OutputStream out = Files.newOutputStream(tmp)) {
          out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
          out.write(headerBytes);
          for (TensorData t : sorted.values()) {
            out.write(t.bytes());
          }
        }
      });
    } catch (IOException e) {
      throw new ModelLoadException("cannot write safetensors file " + path + ": " + e.getMessage(), e);
    }
  }
}
