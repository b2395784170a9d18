package io.chatgen.diffusion.tiny;

import io.chatgen.core.GeneratedImage;
import io.chatgen.diffusion.tiny.ShapeScene.Colour;
import java.awt.Color;

/**
 * Whether a picture of a centred figure has the asked-for colours where they belong: the mean colour
 * of the central square (a quarter of the side) against the figure's colour, the mean colour of the
 * outer ring (6 pixels wide) against the background's. Chromatic colours must match in hue (within
 * {@value #MAX_HUE_DEGREES} degrees) and be saturated; white, black and grey must be unsaturated and
 * of about the right brightness. Used by the acceptance tests and by the tiny-model benchmark.
 */
public final class ColourCheck {
  /** Largest hue distance accepted, in degrees. */
  public static final double MAX_HUE_DEGREES = 30;
  /** Saturation above which a colour counts as chromatic. */
  public static final float MIN_SATURATION = 0.35f;
  private static final int RING = 6;

  private ColourCheck() {}

  /** Mean colour of the central square as {hue, saturation, brightness} in [0, 1]. */
  public static float[] centre(GeneratedImage img) {
    return meanHsb(img, true);
  }

  /** Mean colour of the outer ring as {hue, saturation, brightness} in [0, 1]. */
  public static float[] border(GeneratedImage img) {
    return meanHsb(img, false);
  }

  /** Hue distance in degrees on the colour wheel. */
  public static double hueDistance(float hue, double degrees) {
    double d = Math.abs(hue * 360 - degrees) % 360;
    return Math.min(d, 360 - d);
  }

  /** The hue of a flat colour, in degrees. */
  public static double hueDegrees(Colour c) {
    return hsb(c)[0] * 360.0;
  }

  /** Whether a measured {hue, saturation, brightness} looks like {@code expected}. */
  public static boolean matches(float[] measured, Colour expected) {
    float[] want = hsb(expected);
    if (want[1] >= MIN_SATURATION) {
      return measured[1] >= MIN_SATURATION && hueDistance(measured[0], want[0] * 360.0) <= MAX_HUE_DEGREES;
    }
    return measured[1] < MIN_SATURATION && Math.abs(measured[2] - want[2]) <= 0.25f;
  }

  /** Whether the centre shows {@code figure} and the border {@code background}. */
  public static boolean matches(GeneratedImage img, Colour figure, Colour background) {
    return matches(centre(img), figure) && matches(border(img), background);
  }

  private static float[] hsb(Colour c) {
    int rgb = c.rgb();
    return Color.RGBtoHSB(rgb >> 16 & 0xFF, rgb >> 8 & 0xFF, rgb & 0xFF, null);
  }

  private static float[] meanHsb(GeneratedImage img, boolean centre) {
    long r = 0;
    long g = 0;
    long b = 0;
    long n = 0;
    int w = img.width();
    int h = img.height();
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        boolean inCentre = Math.abs(x - w / 2 + 0.5) < w / 8.0 && Math.abs(y - h / 2 + 0.5) < h / 8.0;
        boolean inBorder = Math.min(Math.min(x, y), Math.min(w - 1 - x, h - 1 - y)) < RING;
        if (centre ? inCentre : inBorder) {
          int p = img.pixel(x, y);
          r += p >> 16 & 0xFF;
          g += p >> 8 & 0xFF;
          b += p & 0xFF;
          n++;
        }
      }
    }
    return Color.RGBtoHSB((int) (r / n), (int) (g / n), (int) (b / n), null);
  }
}
