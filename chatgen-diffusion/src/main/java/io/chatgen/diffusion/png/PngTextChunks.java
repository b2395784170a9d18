package io.chatgen.diffusion.png;

import io.chatgen.core.DataFormatException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.Inflater;

/**
 * Reads the text chunks ({@code tEXt}, {@code zTXt}, {@code iTXt}) of a PNG, checking the
 * signature, chunk bounds and CRCs. Stateless and thread-safe.
 */
public final class PngTextChunks {
  private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  private static final int MAX_INFLATED = 16 << 20;

  private PngTextChunks() {}

  /**
   * The text chunks of a PNG file, keyword to text, in file order (the first of equal keywords).
   *
   * @throws DataFormatException when the file cannot be read or is not a well-formed PNG
   */
  public static Map<String, String> read(Path png) {
    try {
      return read(Files.readAllBytes(png));
    } catch (IOException e) {
      throw new DataFormatException("cannot read PNG " + png + ": " + e.getMessage(), e);
    } catch (DataFormatException e) {
      throw new DataFormatException(png + ": " + e.getMessage(), e);
    }
  }

  /**
   * The text chunks of PNG bytes.
   *
   * @throws DataFormatException when the bytes are not a well-formed PNG
   */
  public static Map<String, String> read(byte[] png) {
    if (png.length < 8 || !Arrays.equals(Arrays.copyOf(png, 8), SIGNATURE)) {
      throw new DataFormatException("not a PNG: the 8-byte PNG signature is missing");
    }
    Map<String, String> out = new LinkedHashMap<>();
    int pos = 8;
    while (pos < png.length) {
      if (pos + 12 > png.length) {
        throw new DataFormatException("PNG truncated in the chunk header at byte " + pos);
      }
      long len = readInt(png, pos) & 0xFFFFFFFFL;
      if (len > png.length - pos - 12) {
        throw new DataFormatException("PNG chunk at byte " + pos + " claims " + len + " bytes, beyond the end of the file");
      }
      String type = new String(png, pos + 4, 4, StandardCharsets.US_ASCII);
      int dataStart = pos + 8;
      int n = (int) len;
      java.util.zip.CRC32 crc = new java.util.zip.CRC32();
      crc.update(png, pos + 4, 4 + n);
      if ((int) crc.getValue() != readInt(png, dataStart + n)) {
        throw new DataFormatException("PNG chunk " + type + " at byte " + pos + " has a bad CRC");
      }
      byte[] data = Arrays.copyOfRange(png, dataStart, dataStart + n);
      switch (type) {
        case "tEXt" -> put(out, data, false);
        case "zTXt" -> put(out, data, true);
        case "iTXt" -> putInternational(out, data);
        default -> { }
      }
      pos = dataStart + n + 4;
      if (type.equals("IEND")) {
        break;
      }
    }
    return out;
  }

  private static void put(Map<String, String> out, byte[] data, boolean compressed) {
    int nul = indexOf(data, 0);
    if (nul < 1) {
      throw new DataFormatException("PNG text chunk without a keyword");
    }
    String key = new String(data, 0, nul, StandardCharsets.ISO_8859_1);
    byte[] text = compressed
        ? inflate(Arrays.copyOfRange(data, Math.min(nul + 2, data.length), data.length))
        : Arrays.copyOfRange(data, nul + 1, data.length);
    out.putIfAbsent(key, new String(text, StandardCharsets.ISO_8859_1));
  }

  private static void putInternational(Map<String, String> out, byte[] data) {
    int nul = indexOf(data, 0);
    if (nul < 1 || nul + 3 > data.length) {
      throw new DataFormatException("malformed PNG iTXt chunk");
    }
    String key = new String(data, 0, nul, StandardCharsets.ISO_8859_1);
    boolean compressed = data[nul + 1] != 0;
    int langEnd = indexOf(data, nul + 3, 0);
    int tkeyEnd = langEnd < 0 ? -1 : indexOf(data, langEnd + 1, 0);
    if (tkeyEnd < 0) {
      throw new DataFormatException("malformed PNG iTXt chunk " + key);
    }
    byte[] text = Arrays.copyOfRange(data, tkeyEnd + 1, data.length);
    out.putIfAbsent(key, new String(compressed ? inflate(text) : text, StandardCharsets.UTF_8));
  }

  private static byte[] inflate(byte[] data) {
    Inflater inf = new Inflater();
    try {
      inf.setInput(data);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      while (!inf.finished()) {
        int k = inf.inflate(buf);
        if (k == 0 && (inf.needsInput() || inf.needsDictionary())) {
          throw new DataFormatException("compressed PNG text chunk is truncated");
        }
        out.write(buf, 0, k);
        if (out.size() > MAX_INFLATED) {
          throw new DataFormatException("compressed PNG text chunk inflates beyond " + MAX_INFLATED + " bytes");
        }
      }
      return out.toByteArray();
    } catch (java.util.zip.DataFormatException e) {
      throw new DataFormatException("compressed PNG text chunk is corrupt: " + e.getMessage(), e);
    } finally {
      inf.end();
    }
  }

  private static int indexOf(byte[] a, int value) {
    return indexOf(a, 0, value);
  }

  private static int indexOf(byte[] a, int from, int value) {
    for (int i = from; i < a.length; i++) {
      if (a[i] == value) {
        return i;
      }
    }
    return -1;
  }

  private static int readInt(byte[] b, int off) {
    return ((b[off] & 0xFF) << 24) | ((b[off + 1] & 0xFF) << 16) | ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
  }
}
