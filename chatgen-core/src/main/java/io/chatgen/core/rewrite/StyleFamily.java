package io.chatgen.core.rewrite;

import io.chatgen.core.text.Words;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The broad look a prompt asks for. Community prompts differ most by it: a photo prompt carries
 * "raw photo, photorealistic, film grain" and a negative prompt against "cartoon, anime, 3d"; an
 * anime prompt carries "masterpiece, best quality, 1girl" and a negative prompt against
 * "lowres, bad hands". The embedded rewriter picks quality tags and the negative prompt by family.
 */
public enum StyleFamily {
  /** Photographs and photorealism. */
  PHOTO("photo", List.of("photo", "raw photo", "photograph", "photography", "photorealistic", "realistic",
      "photorealism", "hyperrealistic", "ultra realistic", "dslr", "film grain", "analog", "35mm", "85mm",
      "real photo", "portrait photography", "canon", "nikon", "kodak", "fujifilm")),
  /** Anime, manga and other cel-shaded illustration. */
  ANIME("anime", List.of("anime", "manga", "anime style", "official art", "anime coloring", "cel shading",
      "pixiv", "waifu", "chibi", "anime screencap", "game cg", "absurdres")),
  /** Paintings, drawings and digital illustration. */
  PAINTING("illustration-painting", List.of("painting", "oil painting", "watercolor", "illustration",
      "concept art", "digital painting", "trending on artstation", "artstation", "sketch", "ink",
      "drawing", "digital art", "impressionism", "gouache", "acrylic", "painterly", "storybook",
      "comic", "fantasy art", "art nouveau")),
  /** 3D renders: Pixar-like, Octane, Unreal, Blender, clay. */
  RENDER_3D("3d render", List.of("3d", "3d render", "octane render", "unreal engine", "blender", "cinema4d",
      "c4d", "pixar", "disney", "render", "cgi", "redshift", "vray", "3d model", "claymation",
      "unreal engine 5", "isometric", "3d rendering", "ray tracing")),
  /** None of the above stands out. */
  GENERAL("general", List.of());

  private final String label;
  private final List<List<String>> indicators;

  StyleFamily(String label, List<String> indicators) {
    this.label = label;
    this.indicators = indicators.stream().map(Words::of).toList();
  }

  /** A short human-readable name ("illustration-painting"). */
  public String label() {
    return label;
  }

  /**
   * The family a community prompt belongs to, judged from its normalized tags (see {@link
   * PromptTags#key}): the family with most indicator tags, earlier families winning ties.
   */
  public static StyleFamily ofPromptTags(List<List<String>> tagWords) {
    StyleFamily best = GENERAL;
    int bestScore = 0;
    for (StyleFamily f : values()) {
      int score = 0;
      for (List<String> tag : tagWords) {
        for (List<String> ind : f.indicators) {
          if (containsRun(tag, ind)) {
            score++;
            break;
          }
        }
      }
      if (score > bestScore) {
        best = f;
        bestScore = score;
      }
    }
    return best;
  }

  /** Lenient lookup of a family by enum name or label ("photo", "3d render", "RENDER_3D"). */
  public static Optional<StyleFamily> lookup(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT).replace('_', ' ');
    for (StyleFamily f : values()) {
      if (f.label.equals(n) || f.name().toLowerCase(Locale.ROOT).replace('_', ' ').equals(n)) {
        return Optional.of(f);
      }
    }
    return Optional.empty();
  }

  static boolean containsRun(List<String> words, List<String> run) {
    if (run.isEmpty() || run.size() > words.size()) {
      return false;
    }
    outer:
    for (int i = 0; i + run.size() <= words.size(); i++) {
      for (int j = 0; j < run.size(); j++) {
        if (!words.get(i + j).equals(run.get(j))) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
