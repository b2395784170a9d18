package io.chatgen.params;

import io.chatgen.core.InvalidRequestException;
import io.chatgen.core.Param;
import io.chatgen.core.Sampler;
import io.chatgen.core.text.SettingPhrases;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The explicit wishes about parameters in a chat ("square", "phone wallpaper", "quick draft",
 * "more steps", "seed 42", "cfg 9", "30 steps", "DPM++ 2M Karras", "clip skip 2", "768x1024").
 * They win over everything the configurator would otherwise choose. Only explicit phrases count:
 * "a portrait of my cat" says nothing about the orientation, "portrait format" does, and "a wide
 * shot" (camera framing) says nothing either, "a wide picture" does.
 *
 * @param sampler a sampler named in the chat, or null
 * @param steps an explicit step count, or null
 * @param stepsIntent a wish for fewer or more steps without a number, or null
 * @param cfgScale an explicit CFG scale, or null
 * @param seed an explicit seed, or null
 * @param clipSkip an explicit clip skip, or null
 * @param width an explicit width (with height), or null
 * @param height an explicit height (with width), or null
 * @param orientation a wished shape, or null
 * @param phrases per parameter, the phrase of the chat it came from
 */
public record ChatWishes(
    @Nullable Sampler sampler,
    @Nullable Double steps,
    @Nullable StepsIntent stepsIntent,
    @Nullable Double cfgScale,
    @Nullable Double seed,
    @Nullable Double clipSkip,
    @Nullable Double width,
    @Nullable Double height,
    @Nullable Orientation orientation,
    Map<Param, String> phrases) {

  /** A wish for fewer or more steps, without a number. */
  public enum StepsIntent {
    /** "quick draft", "fast preview". */
    FEWER,
    /** "more steps", "maximum quality". */
    MORE
  }

  /** No wishes. */
  public static final ChatWishes NONE = new ChatWishes(null, null, null, null, null, null, null, null, null, Map.of());

  private static final Pattern PORTRAIT = Pattern.compile(
      "(?i)\\b(?:phone|mobile|iphone|android|smartphone|lock\\s*+screen)\\s++(?:wallpaper|background|screen)\\b"
          + "|\\block\\s*+screen\\b|\\bvertical\\b|" + SettingPhrases.PORTRAIT_FORMAT.pattern()
          + "|\\b(?:tall|vertical)\\s++(?:image|picture|format|poster)\\b"
          + "|\\b(?:instagram|ig)\\s++story\\b|\\bbook\\s++cover\\b");
  private static final Pattern LANDSCAPE = Pattern.compile(
      "(?i)\\bbanners?\\b|\\b(?:desktop|pc|computer|laptop|monitor)\\s++(?:wallpaper|background)\\b|\\bwidescreen\\b"
          + "|\\bhorizontal\\b|" + SettingPhrases.LANDSCAPE_FORMAT.pattern()
          // "wide shot" is camera framing (the whole figure in view), not a picture's shape
          + "|\\bwide\\s++(?:image|picture|format|banner|header)\\b"
          + "|\\bpanoramic\\s++(?:image|picture|format|shot|banner|header)\\b|\\bpanorama\\b"
          + "|\\b(?:youtube|video)\\s++thumbnail\\b|\\b(?:twitter|linkedin|channel)\\s++header\\b");
  private static final Pattern SQUARE = Pattern.compile(
      "(?i)(?<!town |market |city |public |village |times |main )\\bsquare\\b"
          + "(?!\\s++(?:feet|meters|metres|miles|jaw|root))"
          + "|" + SettingPhrases.SQUARE_FORMAT.pattern()
          + "|\\bprofile\\s++(?:picture|pic|photo)\\b|\\bpfp\\b|\\bavatar\\b|\\balbum\\s++cover\\b");

  public ChatWishes {
    phrases = Map.copyOf(phrases);
  }

  /** Whether the chat expressed any wish. */
  public boolean isEmpty() {
    return phrases.isEmpty();
  }

  /**
   * Reads the wishes of a chat's user text.
   *
   * @throws InvalidRequestException for an explicit value no model accepts (a negative seed,
   *     "10^9 steps"), checked against {@code schema}
   */
  public static ChatWishes parse(String text, ParamSchema schema) {
    Map<Param, String> phrases = new EnumMap<>(Param.class);
    Sampler sampler = null;
    List<Sampler> named = SettingPhrases.samplersNamedIn(text);
    if (!named.isEmpty()) {
      sampler = named.get(0);
      phrases.put(Param.SAMPLER, "\"" + sampler.a1111Name() + "\"");
    }
    Double seed;
    Matcher randomSeed = SettingPhrases.SEED.matcher(text);
    if (randomSeed.find() && parse(randomSeed.group(1)) == -1) {
      // A1111's "seed -1" means "random"; a derived seed is just as unpredictable to the user
      seed = null;
    } else {
      seed = number(SettingPhrases.SEED, text, Param.SEED, schema, phrases);
    }
    Double steps = number(SettingPhrases.STEPS_AFTER, text, Param.STEPS, schema, phrases);
    if (steps == null) {
      steps = number(SettingPhrases.STEPS_BEFORE, text, Param.STEPS, schema, phrases);
    }
    StepsIntent intent = null;
    if (steps == null) {
      Matcher few = SettingPhrases.FEWER_STEPS.matcher(text);
      Matcher more = SettingPhrases.MORE_STEPS.matcher(text);
      if (few.find()) {
        intent = StepsIntent.FEWER;
        phrases.put(Param.STEPS, "\"" + few.group() + "\"");
      } else if (more.find()) {
        intent = StepsIntent.MORE;
        phrases.put(Param.STEPS, "\"" + more.group() + "\"");
      }
    }
    Double cfg = number(SettingPhrases.CFG, text, Param.CFG_SCALE, schema, phrases);
    Double clip = number(SettingPhrases.CLIP_SKIP, text, Param.CLIP_SKIP, schema, phrases);
    Double width = null;
    Double height = null;
    Matcher size = SettingPhrases.SIZE.matcher(text);
    if (size.find()) {
      double w = Double.parseDouble(size.group(1));
      double h = Double.parseDouble(size.group(2));
      schema.checkOverride(Param.WIDTH, w);
      schema.checkOverride(Param.HEIGHT, h);
      width = w;
      height = h;
      phrases.put(Param.WIDTH, "\"" + size.group() + "\"");
      phrases.put(Param.HEIGHT, "\"" + size.group() + "\"");
    }
    Orientation orientation = null;
    if (width == null) {
      for (Map.Entry<Orientation, Pattern> e : Map.of(Orientation.PORTRAIT, PORTRAIT, Orientation.LANDSCAPE, LANDSCAPE,
          Orientation.SQUARE, SQUARE).entrySet()) {
        Matcher m = e.getValue().matcher(text);
        if (m.find() && (orientation == null || m.start() < firstStart(orientation, text))) {
          orientation = e.getKey();
          phrases.put(Param.WIDTH, "\"" + m.group() + "\"");
          phrases.put(Param.HEIGHT, "\"" + m.group() + "\"");
        }
      }
    }
    return new ChatWishes(sampler, steps, intent, cfg, seed, clip, width, height, orientation, phrases);
  }

  private static int firstStart(Orientation o, String text) {
    Pattern p = switch (o) {
      case PORTRAIT -> PORTRAIT;
      case LANDSCAPE -> LANDSCAPE;
      case SQUARE -> SQUARE;
    };
    Matcher m = p.matcher(text);
    return m.find() ? m.start() : Integer.MAX_VALUE;
  }

  private static @Nullable Double number(Pattern p, String text, Param param, ParamSchema schema,
      Map<Param, String> phrases) {
    Matcher m = p.matcher(text);
    if (!m.find()) {
      return null;
    }
    double v = parse(m.group(1));
    schema.checkOverride(param, v);
    phrases.put(param, "\"" + m.group().strip() + "\"");
    return v;
  }

  /** Parses "42", "7,5", "10^9", "1e9"; anything unreadable is NaN (and then refused). */
  static double parse(String s) {
    String t = s.replace(" ", "").replace(',', '.');
    try {
      int caret = t.indexOf('^');
      if (caret > 0) {
        return Math.pow(Double.parseDouble(t.substring(0, caret)), Double.parseDouble(t.substring(caret + 1)));
      }
      return Double.parseDouble(t);
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }
}
