package io.chatgen.params;

/** The shape a request asks for, when it says so ("phone wallpaper", "banner", "square"). */
public enum Orientation {
  /** Taller than wide. */
  PORTRAIT,
  /** Wider than tall. */
  LANDSCAPE,
  /** As wide as tall. */
  SQUARE;

  /** The orientation of a size. */
  public static Orientation of(int width, int height) {
    return width == height ? SQUARE : width > height ? LANDSCAPE : PORTRAIT;
  }
}
