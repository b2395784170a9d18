package io.chatgen.modeltoken.encoder;

import io.chatgen.core.AtomicFiles;
import io.chatgen.core.DataFormatException;
import io.chatgen.core.ModelLoadException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;

/**
 * The container shared by this module's binary artifacts: a 4-byte magic, a format version, a
 * UTF-8 JSON header, a payload, and a CRC-32 of everything before it, so that a truncated or
 * corrupted file is refused with a clear message instead of being half read. Writes are atomic
 * (a temporary file in the target folder, then a move), so a crash never leaves a half-written
 * artifact under the real name.
 */
public final class ArtifactFiles {
  /** Artifacts larger than this are refused before reading (a corrupt length or a wrong file). */
  static final int MAX_BYTES = 256 << 20;

  private ArtifactFiles() {}

  /** Writes the payload that {@code body} produces under a header, atomically. */
  public static void write(Path file, String magic, int version, String headerJson, PayloadWriter body) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 20);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.write(magic.getBytes(StandardCharsets.US_ASCII));
      out.writeInt(version);
      byte[] header = headerJson.getBytes(StandardCharsets.UTF_8);
      out.writeInt(header.length);
      out.write(header);
      body.write(out);
      out.flush();
      CRC32 crc = new CRC32();
      crc.update(bytes.toByteArray());
      out.writeLong(crc.getValue());
    } catch (IOException e) {
      throw new ModelLoadException("cannot serialise " + file + ": " + e.getMessage(), e);
    }
    Path target = file.toAbsolutePath();
    try {
      Files.createDirectories(target.getParent());
      AtomicFiles.write(target, tmp -> {
        Files.write(tmp, bytes.toByteArray());
        try {
          // temporary files are created owner-only; artifacts are meant to be read by others
          Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException e) {
          // not a POSIX file system: keep its defaults
        }
      });
    } catch (IOException e) {
      throw new ModelLoadException("cannot write " + file + ": " + e.getMessage()
          + "; check that the folder exists and is writable", e);
    }
  }

  /** Reads a file written by {@link #write}, checking magic, version and checksum. */
  public static Artifact read(Path file, String magic, int version) {
    byte[] data;
    try {
      long size = Files.size(file);
      if (size > MAX_BYTES) {
        throw new DataFormatException(file + " has " + size + " bytes, more than any " + magic + " artifact");
      }
      data = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new ModelLoadException("cannot read " + file + ": " + e.getMessage(), e);
    }
    return parse(data, file.toString(), magic, version);
  }

  /** Reads an artifact from a stream (a classpath resource). */
  public static Artifact read(InputStream in, String name, String magic, int version) {
    try (in) {
      return parse(in.readAllBytes(), name, magic, version);
    } catch (IOException e) {
      throw new ModelLoadException("cannot read " + name + ": " + e.getMessage(), e);
    }
  }

  private static Artifact parse(byte[] data, String name, String magic, int version) {
    if (data.length < 20) {
      throw new DataFormatException(name + " is not a " + magic + " artifact: only " + data.length + " bytes");
    }
    String m = new String(data, 0, 4, StandardCharsets.US_ASCII);
    if (!m.equals(magic)) {
      throw new DataFormatException(name + " is not a " + magic + " artifact (starts with \"" + m + "\")");
    }
    long stored = ByteBuffer.wrap(data, data.length - 8, 8).getLong();
    CRC32 crc = new CRC32();
    crc.update(data, 0, data.length - 8);
    if (crc.getValue() != stored) {
      throw new DataFormatException(name + " is corrupt (checksum mismatch): rebuild or re-download it");
    }
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(data, 4, data.length - 12));
    try {
      int v = in.readInt();
      if (v != version) {
        throw new DataFormatException(name + " has format version " + v + "; this library reads version " + version);
      }
      int headerLength = in.readInt();
      if (headerLength < 0 || headerLength > data.length) {
        throw new DataFormatException(name + " has a corrupt header length " + headerLength);
      }
      byte[] header = in.readNBytes(headerLength);
      return new Artifact(new String(header, StandardCharsets.UTF_8), in, name);
    } catch (IOException e) {
      throw new DataFormatException(name + " is truncated: " + e.getMessage(), e);
    }
  }

  /** Writes a payload. */
  @FunctionalInterface
  public interface PayloadWriter {
    void write(DataOutputStream out) throws IOException;
  }

  /**
   * A checked artifact: its JSON header and a stream over its payload.
   *
   * @param headerJson the header
   * @param payload the payload, positioned after the header
   * @param name the file or resource, for messages
   */
  public record Artifact(String headerJson, DataInputStream payload, String name) {
    /** Reads {@code n} ints, refusing negative or absurd counts. */
    public int[] ints(int n) throws IOException {
      checkCount(n);
      int[] out = new int[n];
      for (int i = 0; i < n; i++) {
        out[i] = payload.readInt();
      }
      return out;
    }

    /** Reads {@code n} floats. */
    public float[] floats(int n) throws IOException {
      checkCount(n);
      float[] out = new float[n];
      for (int i = 0; i < n; i++) {
        out[i] = payload.readFloat();
      }
      return out;
    }

    /** Reads {@code n} bytes. */
    public byte[] bytes(int n) throws IOException {
      checkCount(n);
      byte[] out = payload.readNBytes(n);
      if (out.length != n) {
        throw new IOException("expected " + n + " bytes, found " + out.length);
      }
      return out;
    }

    /** Reads {@code n} longs. */
    public long[] longs(int n) throws IOException {
      checkCount(n);
      long[] out = new long[n];
      for (int i = 0; i < n; i++) {
        out[i] = payload.readLong();
      }
      return out;
    }

    private void checkCount(int n) {
      if (n < 0 || n > MAX_BYTES) {
        throw new DataFormatException(name + " declares " + n + " entries: the file is corrupt");
      }
    }

    /** Fails unless the whole payload was consumed. */
    public void expectEnd() throws IOException {
      if (payload.available() > 0) {
        throw new DataFormatException(name + " has " + payload.available() + " unexpected trailing bytes");
      }
    }
  }
}
