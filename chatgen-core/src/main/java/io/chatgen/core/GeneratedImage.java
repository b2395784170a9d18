package io.chatgen.core;

import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.List;

/**
 * A rendered image and the plan it was rendered from.
 *
 * @param plan the plan (with timings of the planning stages)
 * @param width width in pixels
 * @param height height in pixels
 * @param rgb packed 0xRRGGBB pixels, row-major (copied)
 * @param drawnWith the checkpoint that actually drew it (may differ from the chosen one, e.g.
 *     the embedded tiny model when the chosen checkpoint is not installed)
 * @param renderTime wall time of the generation stage
 * @param notes what the generator wants the user to know
 */
public record GeneratedImage(
    GenerationPlan plan,
    int width,
    int height,
    int[] rgb,
    ModelCard drawnWith,
    Duration renderTime,
    List<String> notes) {

  public GeneratedImage {
    Checks.notNull(plan, "plan");
    Checks.notNull(rgb, "rgb");
    if (width < 1 || height < 1 || rgb.length != width * height) {
      throw new InvalidRequestException(
          "image of " + width + "x" + height + " cannot hold " + rgb.length + " pixels");
    }
    rgb = rgb.clone();
    Checks.notNull(drawnWith, "drawnWith");
    Checks.notNull(renderTime, "renderTime");
    notes = Checks.list(notes, "notes");
  }

  /** A copy of the pixels. */
  @Override
  public int[] rgb() {
    return rgb.clone();
  }

  /** The pixel at (x, y) as 0xRRGGBB. */
  public int pixel(int x, int y) {
    return rgb[y * width + x];
  }

  /** The pixels as an opaque RGB image. */
  public BufferedImage toBufferedImage() {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    img.setRGB(0, 0, width, height, rgb, 0, width);
    return img;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GeneratedImage g
        && g.plan.equals(plan)
        && java.util.Arrays.equals(g.rgb, rgb)
        && g.width == width
        && g.drawnWith.equals(drawnWith);
  }

  @Override
  public int hashCode() {
    return java.util.Arrays.hashCode(rgb);
  }

  @Override
  public String toString() {
    return "GeneratedImage[" + width + "x" + height + ", drawnWith=" + drawnWith.label() + "]";
  }
}
