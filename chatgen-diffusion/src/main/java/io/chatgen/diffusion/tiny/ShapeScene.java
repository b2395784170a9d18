package io.chatgen.diffusion.tiny;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * One procedural training picture: a single figure in a colour and style at a position on a plain
 * background, with its exact geometry so that it renders at any size. Random scenes and captions
 * come from an explicit {@link SplittableRandom}, so one seed fixes the whole training set; no data
 * file is involved.
 *
 * @param figure the shape drawn
 * @param colour the figure's colour
 * @param background the background colour (never the figure's colour)
 * @param placement where the figure sits
 * @param style how it is drawn
 * @param cx the figure's centre as a fraction of the width, in (0, 1)
 * @param cy the figure's centre as a fraction of the height, in (0, 1)
 * @param radius the figure's outer radius as a fraction of the side, in (0, 0.5)
 */
public record ShapeScene(Figure figure, Colour colour, Colour background, Placement placement, Style style,
    double cx, double cy, double radius) {

  /** The shapes the tiny model knows. */
  public enum Figure {
    CIRCLE, SQUARE, TRIANGLE, STAR, DIAMOND, CROSS;

    /** The caption word. */
    public String word() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The colours the tiny model knows, with their flat sRGB values. */
  public enum Colour {
    RED(220, 40, 40), GREEN(40, 170, 60), BLUE(40, 80, 220), YELLOW(240, 210, 40), ORANGE(245, 140, 30),
    PURPLE(140, 60, 190), PINK(240, 120, 170), WHITE(245, 245, 245), BLACK(20, 20, 20), GREY(128, 128, 128);

    final int r;
    final int g;
    final int b;

    Colour(int r, int g, int b) {
      this.r = r;
      this.g = g;
      this.b = b;
    }

    /** The caption word. */
    public String word() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The flat colour as 0xRRGGBB. */
    public int rgb() {
      return r << 16 | g << 8 | b;
    }
  }

  /** Where the figure sits, with the caption phrases that name it. */
  public enum Placement {
    CENTRE(0.5, 0.5, "in the centre", "in the center", "in the middle"),
    LEFT(0.28, 0.5, "on the left", "at the left"),
    RIGHT(0.72, 0.5, "on the right", "at the right"),
    TOP(0.5, 0.28, "at the top", "on the top"),
    BOTTOM(0.5, 0.72, "at the bottom", "on the bottom");

    final double x;
    final double y;
    final List<String> phrases;

    Placement(double x, double y, String... phrases) {
      this.x = x;
      this.y = y;
      this.phrases = List.of(phrases);
    }
  }

  /** How the figure is drawn. */
  public enum Style {
    /** Solid fill in the flat colours (the default when a caption names no style). */
    FLAT,
    /** Only the figure's outline, in its colour, on the background. */
    OUTLINED,
    /** Both colours mixed halfway towards white. */
    PASTEL,
    /** Both colours mixed halfway towards black. */
    DARK;

    /** The caption word. */
    public String word() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Words that prompts often carry and that say nothing about the picture; mixed into captions. */
  static final List<String> FILLERS = List.of("masterpiece", "best quality", "high quality", "simple", "detailed",
      "icon", "illustration", "digital art", "shape", "geometric", "minimal", "clean");

  /** Checks the geometry. */
  public ShapeScene {
    if (figure == null || colour == null || background == null || placement == null || style == null) {
      throw new IllegalArgumentException("figure, colours, placement and style must not be null");
    }
    if (colour == background) {
      throw new IllegalArgumentException("the figure and the background are both " + colour + "; pick two colours");
    }
    if (!(cx > 0 && cx < 1 && cy > 0 && cy < 1 && radius > 0 && radius < 0.5)) {
      throw new IllegalArgumentException("centre (" + cx + ", " + cy + ") must be inside (0, 1) and radius "
          + radius + " inside (0, 0.5)");
    }
  }

  /** A scene with the placement's exact centre and a medium radius. */
  public static ShapeScene of(Figure figure, Colour colour, Colour background, Placement placement, Style style) {
    return new ShapeScene(figure, colour, background, placement, style, placement.x, placement.y, 0.21);
  }

  /** A random scene: uniform figure, colours, style; centre more often; position and size jittered. */
  public static ShapeScene random(SplittableRandom rnd) {
    Figure f = pick(rnd, Figure.values());
    Colour c = pick(rnd, Colour.values());
    Colour bg;
    do {
      bg = pick(rnd, Colour.values());
    } while (bg == c);
    Placement p = rnd.nextDouble() < 0.4 ? Placement.CENTRE : pick(rnd, Placement.values());
    Style s = rnd.nextDouble() < 0.4 ? Style.FLAT : pick(rnd, Style.values());
    double radius = 0.17 + 0.08 * rnd.nextDouble();
    double cx = p.x + (rnd.nextDouble() - 0.5) * 0.06;
    double cy = p.y + (rnd.nextDouble() - 0.5) * 0.06;
    return new ShapeScene(f, c, bg, p, s, cx, cy, radius);
  }

  private static <T> T pick(SplittableRandom rnd, T[] values) {
    return values[rnd.nextInt(values.length)];
  }

  /**
   * A caption in one of several phrasings ("a red circle on a blue background", "pastel green star at
   * the top, black background", ...). A centred figure's position is usually left unsaid and a flat
   * style is usually unsaid, as people write; filler words are sometimes added.
   */
  public String caption(SplittableRandom rnd) {
    String styleWord = switch (style) {
      case FLAT -> rnd.nextDouble() < 0.85 ? "" : "flat ";
      case OUTLINED -> rnd.nextBoolean() ? "outlined " : "outline ";
      default -> style.word() + " ";
    };
    String where = placement == Placement.CENTRE && rnd.nextDouble() < 0.6 ? ""
        : " " + placement.phrases.get(rnd.nextInt(placement.phrases.size()));
    String thing = styleWord + colour.word() + " " + figure.word();
    String bg = background.word();
    String text = switch (rnd.nextInt(5)) {
      case 0, 1 -> "a " + thing + where + " on a " + bg + " background";
      case 2 -> thing + where + ", " + bg + " background";
      case 3 -> "a " + thing + where + " against a " + bg + " background";
      default -> thing + where + " on " + bg;
    };
    if (rnd.nextDouble() < 0.25) {
      List<String> parts = new ArrayList<>();
      int n = 1 + rnd.nextInt(2);
      for (int i = 0; i < n; i++) {
        parts.add(FILLERS.get(rnd.nextInt(FILLERS.size())));
      }
      text = rnd.nextBoolean() ? String.join(", ", parts) + ", " + text : text + ", " + String.join(", ", parts);
    }
    return text;
  }

  /** Every word any caption can contain (for the tokenizer's vocabulary). */
  static List<String> vocabularyWords() {
    List<String> words = new ArrayList<>(List.of("a", "on", "the", "in", "at", "against", "background", "centre",
        "center", "middle", "left", "right", "top", "bottom", "flat", "outlined", "outline", ","));
    for (Figure f : Figure.values()) {
      words.add(f.word());
    }
    for (Colour c : Colour.values()) {
      words.add(c.word());
    }
    for (Style s : Style.values()) {
      words.add(s.word());
    }
    for (String filler : FILLERS) {
      words.addAll(List.of(filler.split(" ")));
    }
    return words.stream().distinct().toList();
  }

  /**
   * Renders the scene as float CHW pixels in [-1, 1] (SD's image range), {@code size} x {@code size},
   * anti-aliased with 4 x 4 samples per pixel.
   */
  public float[] render(int size) {
    double[] fg = styled(colour);
    double[] bgc = styled(background);
    float[] alpha = coverage(size);
    float[] out = new float[3 * size * size];
    for (int i = 0; i < alpha.length; i++) {
      for (int ch = 0; ch < 3; ch++) {
        double v = alpha[i] * fg[ch] + (1 - alpha[i]) * bgc[ch];
        out[ch * size * size + i] = (float) (v * 2 - 1);
      }
    }
    return out;
  }

  /**
   * The fraction of each pixel painted in the figure's colour (row-major, {@code size} x
   * {@code size}, 4 x 4 samples per pixel): the figure's mask, which {@link #render} blends with and
   * the trainer weights its loss by.
   */
  public float[] coverage(int size) {
    if (size < 8) {
      throw new IllegalArgumentException("size must be at least 8 pixels, was " + size);
    }
    float[] alpha = new float[size * size];
    int ss = 4;
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        int hits = 0;
        for (int sy = 0; sy < ss; sy++) {
          for (int sx = 0; sx < ss; sx++) {
            double px = (x + (sx + 0.5) / ss) / size;
            double py = (y + (sy + 0.5) / ss) / size;
            if (covers(px, py)) {
              hits++;
            }
          }
        }
        alpha[y * size + x] = hits / (float) (ss * ss);
      }
    }
    return alpha;
  }

  /** A colour in [0, 1] per channel after the style's tint. */
  private double[] styled(Colour c) {
    double[] v = {c.r / 255.0, c.g / 255.0, c.b / 255.0};
    for (int i = 0; i < 3; i++) {
      if (style == Style.PASTEL) {
        v[i] = 0.5 * v[i] + 0.5;
      } else if (style == Style.DARK) {
        v[i] = 0.5 * v[i];
      }
    }
    return v;
  }

  /** Whether the point (fractions of the side) is painted in the figure's colour. */
  boolean covers(double px, double py) {
    double dx = (px - cx) / radius;
    double dy = (py - cy) / radius;
    if (style == Style.OUTLINED) {
      double inner = 0.72;
      return inside(dx, dy) && !inside(dx / inner, dy / inner);
    }
    return inside(dx, dy);
  }

  /** The unit figure (outer radius 1) around the origin, y pointing down. */
  private boolean inside(double dx, double dy) {
    return switch (figure) {
      case CIRCLE -> dx * dx + dy * dy <= 1;
      case SQUARE -> Math.abs(dx) <= 0.8 && Math.abs(dy) <= 0.8;
      case DIAMOND -> Math.abs(dx) + Math.abs(dy) <= 1;
      case CROSS -> (Math.abs(dx) <= 0.3 && Math.abs(dy) <= 0.95) || (Math.abs(dy) <= 0.3 && Math.abs(dx) <= 0.95);
      case TRIANGLE -> {
        // equilateral, apex up, centred on its centroid
        double y = dy;
        if (y < -1 || y > 0.5) {
          yield false;
        }
        double halfWidth = (y + 1) / 1.5 * 0.866;
        yield Math.abs(dx) <= halfWidth;
      }
      case STAR -> {
        double r = Math.hypot(dx, dy);
        if (r > 1) {
          yield false;
        }
        // five points, the first straight up; the edge radius falls linearly from 1 at a point to
        // 0.42 halfway between two points
        double angle = Math.atan2(dx, -dy);
        double sector = 2 * Math.PI / 5;
        double u = ((angle % sector) + sector) % sector;
        double t = Math.min(u, sector - u) / (sector / 2);
        yield r <= 1 - (1 - 0.42) * t;
      }
    };
  }
}
