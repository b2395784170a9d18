package io.chatgen.core.rewrite;

import io.chatgen.core.InvalidRequestException;
import io.chatgen.core.ReferenceImage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * What the pixels of a reference image honestly say, without a vision model: its size and
 * aspect ratio, its dominant colours by name and its brightness. Nothing about its subject.
 *
 * @param width width in pixels
 * @param height height in pixels
 * @param palette colour names with the share of pixels they cover, largest first, each at least
 *     {@value #MIN_SHARE}
 * @param brightness mean luma, 0 (black) to 1 (white)
 */
public record ReferenceImageSummary(int width, int height, List<ColourShare> palette, double brightness) {
  /** Colours covering less of the image are left out of the palette. */
  public static final double MIN_SHARE = 0.08;
  private static final int MAX_SAMPLES = 65_536;

  /**
   * A named colour and the share of pixels nearest to it.
   *
   * @param name "red", "orange", "brown", "yellow", "green", "cyan", "blue", "purple", "pink",
   *     "white", "gray" or "black"
   * @param share 0 to 1
   */
  public record ColourShare(String name, double share) {}

  public ReferenceImageSummary {
    if (width < 1 || height < 1) {
      throw new InvalidRequestException("image size must be positive, was " + width + "x" + height);
    }
    palette = List.copyOf(palette);
  }

  /** Reads an image (sampling at most {@value #MAX_SAMPLES} pixels on a regular grid). */
  public static ReferenceImageSummary of(ReferenceImage image) {
    int w = image.width();
    int h = image.height();
    int[] rgb = image.rgb();
    int step = (int) Math.max(1, Math.ceil(Math.sqrt((double) w * h / MAX_SAMPLES)));
    String[] names = {"red", "orange", "brown", "yellow", "green", "cyan", "blue", "purple", "pink", "white",
        "gray", "black"};
    int[] counts = new int[names.length];
    double luma = 0;
    int n = 0;
    for (int y = 0; y < h; y += step) {
      for (int x = 0; x < w; x += step) {
        int p = rgb[y * w + x];
        double r = ((p >> 16) & 0xFF) / 255.0;
        double g = ((p >> 8) & 0xFF) / 255.0;
        double b = (p & 0xFF) / 255.0;
        luma += 0.2126 * r + 0.7152 * g + 0.0722 * b;
        counts[colourIndex(r, g, b)]++;
        n++;
      }
    }
    List<ColourShare> palette = new ArrayList<>();
    for (int i = 0; i < names.length; i++) {
      double share = (double) counts[i] / n;
      if (share >= MIN_SHARE) {
        palette.add(new ColourShare(names[i], Math.round(share * 1000) / 1000.0));
      }
    }
    palette.sort(Comparator.comparingDouble(ColourShare::share).reversed());
    return new ReferenceImageSummary(w, h, palette, Math.round(luma / n * 1000) / 1000.0);
  }

  /** Index into the colour names, by hue, saturation and value. */
  private static int colourIndex(double r, double g, double b) {
    double max = Math.max(r, Math.max(g, b));
    double min = Math.min(r, Math.min(g, b));
    double v = max;
    double s = max == 0 ? 0 : (max - min) / max;
    if (v < 0.18) {
      return 11; // black
    }
    if (s < 0.18) {
      return v > 0.82 ? 9 : 10; // white : gray
    }
    double d = max - min;
    double hue;
    if (max == r) {
      hue = 60 * (((g - b) / d) % 6);
    } else if (max == g) {
      hue = 60 * ((b - r) / d + 2);
    } else {
      hue = 60 * ((r - g) / d + 4);
    }
    if (hue < 0) {
      hue += 360;
    }
    if (hue < 15 || hue >= 345) {
      return 0; // red
    }
    if (hue < 45) {
      return v < 0.6 ? 2 : 1; // brown : orange
    }
    if (hue < 70) {
      return 3; // yellow
    }
    if (hue < 165) {
      return 4; // green
    }
    if (hue < 200) {
      return 5; // cyan
    }
    if (hue < 260) {
      return 6; // blue
    }
    if (hue < 290) {
      return 7; // purple
    }
    return 8; // pink
  }

  /** "dark" (below 0.25), "dim" (below 0.42), "bright" (above 0.68) or "balanced". */
  public String brightnessLabel() {
    if (brightness < 0.25) {
      return "dark";
    }
    if (brightness < 0.42) {
      return "dim";
    }
    return brightness > 0.68 ? "bright" : "balanced";
  }

  /** "landscape", "portrait" or "square" (within 10%). */
  public String orientation() {
    double a = (double) width / height;
    if (a > 1.1) {
      return "landscape";
    }
    return a < 1 / 1.1 ? "portrait" : "square";
  }

  /** The aspect ratio in lowest terms when they are small ("3:2"), else to two decimals ("1.78:1"). */
  public String aspectRatio() {
    int g = gcd(width, height);
    int a = width / g;
    int b = height / g;
    if (a <= 32 && b <= 32) {
      return a + ":" + b;
    }
    return String.format(Locale.ROOT, "%.2f:1", (double) width / height);
  }

  /** Tags the pixels support: the dominant chromatic colour as a theme, the light level. */
  List<String> promptTags() {
    List<String> tags = new ArrayList<>();
    for (ColourShare c : palette) {
      if (!c.name().equals("white") && !c.name().equals("gray") && !c.name().equals("black") && c.share() >= 0.2) {
        tags.add(c.name() + " theme");
        break;
      }
    }
    switch (brightnessLabel()) {
      case "dark" -> {
        tags.add("dark");
        tags.add("low key");
      }
      case "bright" -> tags.add("bright");
      default -> { }
    }
    return tags;
  }

  /** One line for the plan's notes. */
  String describe(int index, String source) {
    StringBuilder b = new StringBuilder("reference image ").append(index);
    if (source != null) {
      b.append(" (").append(source).append(')');
    }
    b.append(": ").append(width).append('x').append(height).append(", ").append(orientation()).append(' ')
        .append(aspectRatio()).append("; palette ");
    if (palette.isEmpty()) {
      b.append("mixed");
    }
    for (int i = 0; i < palette.size(); i++) {
      ColourShare c = palette.get(i);
      b.append(i == 0 ? "" : ", ").append(c.name()).append(' ').append(Math.round(c.share() * 100)).append('%');
    }
    b.append("; brightness ").append(String.format(Locale.ROOT, "%.2f", brightness)).append(" (")
        .append(brightnessLabel()).append("); kept in the request for image-to-image");
    return b.toString();
  }

  private static int gcd(int a, int b) {
    return b == 0 ? a : gcd(b, a % b);
  }
}
