package io.chatgen.core;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.jspecify.annotations.Nullable;

/**
 * A reference image attached to a chat request, held as decoded 8-bit RGB pixels so that every
 * stage reads the same thing whatever the file format was.
 *
 * @param width width in pixels, 1 to {@value #MAX_SIDE}
 * @param height height in pixels, 1 to {@value #MAX_SIDE}
 * @param rgb packed 0xRRGGBB pixels, row-major, {@code width * height} of them (copied)
 * @param source where the image came from (a file name), for messages and provenance
 */
public record ReferenceImage(int width, int height, int[] rgb, @Nullable String source) {
  public static final int MAX_SIDE = 8192;

  public ReferenceImage {
    if (width < 1 || width > MAX_SIDE || height < 1 || height > MAX_SIDE) {
      throw new InvalidRequestException(
          "reference image " + source + " is " + width + "x" + height + "; each side must be 1 to " + MAX_SIDE);
    }
    Checks.notNull(rgb, "rgb");
    if (rgb.length != width * height) {
      throw new InvalidRequestException(
          "reference image has " + rgb.length + " pixels, expected width*height = " + width * height);
    }
    rgb = rgb.clone();
  }

  /** A copy of the pixels; the record itself is immutable. */
  @Override
  public int[] rgb() {
    return rgb.clone();
  }

  /** Reads a PNG, JPEG, GIF or BMP file. */
  public static ReferenceImage read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new InvalidRequestException("reference image " + file + " does not exist or is not a file");
    }
    BufferedImage img;
    try {
      img = ImageIO.read(file.toFile());
    } catch (IOException | RuntimeException e) {
      throw new InvalidRequestException("reference image " + file + " could not be decoded: " + e.getMessage());
    }
    if (img == null) {
      throw new InvalidRequestException(
          "reference image " + file + " is not a PNG, JPEG, GIF or BMP file; convert it to PNG");
    }
    return of(img, file.getFileName().toString());
  }

  /** Takes the pixels of an in-memory image (alpha is dropped). */
  public static ReferenceImage of(BufferedImage img, @Nullable String source) {
    int w = img.getWidth();
    int h = img.getHeight();
    if (w > MAX_SIDE || h > MAX_SIDE) {
      throw new InvalidRequestException(
          "reference image " + source + " is " + w + "x" + h + "; each side must be at most " + MAX_SIDE);
    }
    int[] px = img.getRGB(0, 0, w, h, null, 0, w);
    for (int i = 0; i < px.length; i++) {
      px[i] &= 0xFFFFFF;
    }
    return new ReferenceImage(w, h, px, source);
  }

  /** The pixels as an opaque RGB image. */
  public BufferedImage toBufferedImage() {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    img.setRGB(0, 0, width, height, rgb, 0, width);
    return img;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ReferenceImage r
        && r.width == width
        && r.height == height
        && Arrays.equals(r.rgb, rgb)
        && java.util.Objects.equals(r.source, source);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * width + height) + Arrays.hashCode(rgb);
  }

  @Override
  public String toString() {
    return "ReferenceImage[" + width + "x" + height + ", source=" + source + "]";
  }
}
