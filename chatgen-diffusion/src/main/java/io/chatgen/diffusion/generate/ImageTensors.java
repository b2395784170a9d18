package io.chatgen.diffusion.generate;

import io.chatgen.core.ReferenceImage;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/** Conversions between packed RGB pixels and the flat CHW floats the VAE reads and writes. */
final class ImageTensors {
  private ImageTensors() {}

  /**
   * VAE output [3, H, W] in [-1, 1] to 0xRRGGBB, as A1111 does: {@code (x + 1) / 2} clamped to
   * [0, 1], times 255, truncated to an integer.
   */
  static int[] toRgb(float[] chw, int width, int height) {
    int plane = width * height;
    if (chw.length != 3 * plane) {
      throw new IllegalStateException("decoder returned " + chw.length + " values for a " + width + "x" + height + " image");
    }
    int[] rgb = new int[plane];
    for (int i = 0; i < plane; i++) {
      rgb[i] = (channel(chw[i]) << 16) | (channel(chw[plane + i]) << 8) | channel(chw[2 * plane + i]);
    }
    return rgb;
  }

  private static int channel(float v) {
    // float32 as in A1111's torch/numpy code
    float x = Math.min(1f, Math.max(0f, (v + 1f) / 2f));
    return (int) (255f * x);
  }

  /** An image scaled to the target size (bicubic, fixed hints) as CHW floats in [-1, 1]. */
  static float[] toChw(ReferenceImage image, int width, int height) {
    int[] px;
    if (image.width() == width && image.height() == height) {
      px = image.rgb();
    } else {
      BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
      Graphics2D g = out.createGraphics();
      try {
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.drawImage(image.toBufferedImage(), 0, 0, width, height, null);
      } finally {
        g.dispose();
      }
      px = out.getRGB(0, 0, width, height, null, 0, width);
    }
    int plane = width * height;
    float[] chw = new float[3 * plane];
    for (int i = 0; i < plane; i++) {
      chw[i] = ((px[i] >> 16) & 0xFF) / 127.5f - 1f;
      chw[plane + i] = ((px[i] >> 8) & 0xFF) / 127.5f - 1f;
      chw[2 * plane + i] = (px[i] & 0xFF) / 127.5f - 1f;
    }
    return chw;
  }
}
