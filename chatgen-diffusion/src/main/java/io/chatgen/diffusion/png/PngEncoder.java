package io.chatgen.diffusion.png;

import io.chatgen.core.InvalidRequestException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Writes 8-bit RGB PNGs with text chunks, byte for byte the same for the same input: no time
 * chunk, no gamma or colour-profile chunks, a fixed filter choice per row (the heuristic of
 * libpng: the filter with the smallest sum of absolute values) and a fixed deflate level.
 * Text that Latin-1 can hold goes into {@code tEXt}, other text into uncompressed UTF-8
 * {@code iTXt}, as Pillow does for A1111. The chunks follow {@code IHDR} in the order given.
 *
 * <p>Stateless and thread-safe.
 */
public final class PngEncoder {
  private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

  private PngEncoder() {}

  /**
   * Encodes packed 0xRRGGBB pixels, row-major.
   *
   * @param text keyword to text, in the order to write (use a LinkedHashMap for a fixed order)
   * @throws InvalidRequestException when the pixel count or a keyword is invalid
   */
  public static byte[] encode(int width, int height, int[] rgb, Map<String, String> text) {
    if (width < 1 || height < 1 || rgb.length != (long) width * height) {
      throw new InvalidRequestException(
          "a " + width + "x" + height + " image needs " + (long) width * height + " pixels, got " + rgb.length);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(SIGNATURE);
    byte[] ihdr = new byte[13];
    putInt(ihdr, 0, width);
    putInt(ihdr, 4, height);
    ihdr[8] = 8; // bit depth
    ihdr[9] = 2; // truecolour
    chunk(out, "IHDR", ihdr);
    for (Map.Entry<String, String> e : text.entrySet()) {
      textChunk(out, e.getKey(), e.getValue());
    }
    chunk(out, "IDAT", deflate(filtered(width, height, rgb)));
    chunk(out, "IEND", new byte[0]);
    return out.toByteArray();
  }

  private static void textChunk(ByteArrayOutputStream out, String keyword, String value) {
    if (keyword.isEmpty() || keyword.length() > 79 || !StandardCharsets.ISO_8859_1.newEncoder().canEncode(keyword)
        || keyword.indexOf('\0') >= 0) {
      throw new InvalidRequestException("PNG text keyword must be 1-79 Latin-1 characters, was \"" + keyword + "\"");
    }
    byte[] key = keyword.getBytes(StandardCharsets.ISO_8859_1);
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    data.writeBytes(key);
    if (StandardCharsets.ISO_8859_1.newEncoder().canEncode(value) && value.indexOf('\0') < 0) {
      data.write(0);
      data.writeBytes(value.getBytes(StandardCharsets.ISO_8859_1));
      chunk(out, "tEXt", data.toByteArray());
    } else {
      // keyword, NUL, compression flag 0, method 0, empty language tag + NUL, empty translated keyword + NUL
      data.writeBytes(new byte[] {0, 0, 0, 0, 0});
      data.writeBytes(value.getBytes(StandardCharsets.UTF_8));
      chunk(out, "iTXt", data.toByteArray());
    }
  }

  private static byte[] filtered(int width, int height, int[] rgb) {
    int stride = width * 3;
    byte[] out = new byte[(stride + 1) * height];
    byte[] prev = new byte[stride];
    byte[] cur = new byte[stride];
    byte[][] candidates = new byte[5][stride];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int p = rgb[y * width + x];
        cur[3 * x] = (byte) (p >> 16);
        cur[3 * x + 1] = (byte) (p >> 8);
        cur[3 * x + 2] = (byte) p;
      }
      int best = 0;
      long bestSum = Long.MAX_VALUE;
      for (int f = 0; f < 5; f++) {
        long sum = 0;
        for (int i = 0; i < stride; i++) {
          int a = i >= 3 ? cur[i - 3] & 0xFF : 0;
          int b = prev[i] & 0xFF;
          int c = i >= 3 ? prev[i - 3] & 0xFF : 0;
          int v = cur[i] & 0xFF;
          int pred = switch (f) {
            case 0 -> 0;
            case 1 -> a;
            case 2 -> b;
            case 3 -> (a + b) >>> 1;
            default -> paeth(a, b, c);
          };
          byte r = (byte) (v - pred);
          candidates[f][i] = r;
          sum += Math.abs((int) r);
        }
        if (sum < bestSum) {
          bestSum = sum;
          best = f;
        }
      }
      out[y * (stride + 1)] = (byte) best;
      System.arraycopy(candidates[best], 0, out, y * (stride + 1) + 1, stride);
      byte[] t = prev;
      prev = cur;
      cur = t;
    }
    return out;
  }

  private static int paeth(int a, int b, int c) {
    int p = a + b - c;
    int pa = Math.abs(p - a);
    int pb = Math.abs(p - b);
    int pc = Math.abs(p - c);
    if (pa <= pb && pa <= pc) {
      return a;
    }
    return pb <= pc ? b : c;
  }

  private static byte[] deflate(byte[] data) {
    Deflater d = new Deflater(6);
    try {
      d.setInput(data);
      d.finish();
      ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 2 + 64);
      byte[] buf = new byte[64 * 1024];
      while (!d.finished()) {
        out.write(buf, 0, d.deflate(buf));
      }
      return out.toByteArray();
    } finally {
      d.end();
    }
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
    byte[] len = new byte[4];
    putInt(len, 0, data.length);
    out.writeBytes(len);
    byte[] t = type.getBytes(StandardCharsets.US_ASCII);
    out.writeBytes(t);
    out.writeBytes(data);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    byte[] c = new byte[4];
    putInt(c, 0, (int) crc.getValue());
    out.writeBytes(c);
  }

  private static void putInt(byte[] b, int off, int v) {
    b[off] = (byte) (v >>> 24);
    b[off + 1] = (byte) (v >>> 16);
    b[off + 2] = (byte) (v >>> 8);
    b[off + 3] = (byte) v;
  }
}
