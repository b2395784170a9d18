package io.chatgen.params.doc;

import io.chatgen.core.ModelCard;
import io.chatgen.core.Param;
import io.chatgen.core.Sampler;
import io.chatgen.core.text.SettingPhrases;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Reads the settings an author recommends from a model description, line by line: samplers by
 * any of their names ("DPM++ 2M Karras", "dpmpp_2m_karras", "Euler a"), steps ("Steps 25-30",
 * "30 steps"), CFG ("CFG 7", "CFG scale: 5~7", "7cfg"), clip skip ("Clip skip 2"), a size
 * ("768x1024") and whether a hires-fix pass is recommended. The first statement of each wins.
 *
 * <p>Numbers outside sane ranges (training steps, "10^9 steps") are ignored and counted in
 * {@link ModelDocumentation#rejected()}; lines about training or hires passes are not read as
 * sampling steps. Stateless and thread-safe.
 */
public final class DocumentationExtractor {
  static final int MIN_STEPS = 1;
  static final int MAX_STEPS = 150;
  static final double MIN_CFG = 1;
  static final double MAX_CFG = 30;
  private static final int MAX_LINE_QUOTE = 120;

  // possessive quantifiers (*+, ++): a description line of "steps" and many spaces must not take
  // quadratic time
  private static final String NUM = "(\\d{1,9}(?:[.,]\\d+)?)";
  private static final String RANGE_SEP = "\\s*+(?:-|~|–|—|to|or|and|/)\\s*+";
  private static final Pattern STEPS_AFTER = Pattern.compile(
      "(?i)(?<!hires )(?<!hi-res )(?<!highres )(?<!upscale )\\b(?:sampling\\s++)?steps?\\b"
          + "\\s*+(?:(?:[:=]|of|around|about|between|is)\\s*+)?"
          + NUM + "(?:" + RANGE_SEP + NUM + ")?");
  private static final Pattern STEPS_BEFORE = Pattern.compile(
      "(?i)\\b" + NUM + "(?:" + RANGE_SEP + NUM + ")?\\s*+(?:sampling\\s++)?steps?\\b");
  private static final Pattern CFG_AFTER = Pattern.compile(
      "(?i)\\b(?:cfg(?:\\s*+scale)?|guidance(?:\\s*+scale)?)\\b\\s*+(?:(?:[:=]|of|around|about|between|is|at)\\s*+)?"
          + NUM + "(?:" + RANGE_SEP + NUM + ")?");
  private static final Pattern CFG_BEFORE = Pattern.compile(
      "(?i)\\b" + NUM + "(?:" + RANGE_SEP + NUM + ")?\\s*+cfg\\b");
  private static final Pattern CLIP_SKIP = Pattern.compile(
      "(?i)\\bclip[\\s_-]*+skip\\b\\s*+(?:(?:[:=]|of|to|at|is)\\s*+)?(\\d{1,9})");
  private static final Pattern SIZE = Pattern.compile("(?i)\\b(\\d{3,5})\\s*+[x×*]\\s*+(\\d{3,5})\\b");
  private static final Pattern HIRES = Pattern.compile("(?i)\\bhi(?:gh)?[\\s_-]?res(?:olution)?[\\s_.-]*+fix");
  private static final Pattern NOT_RECOMMENDED = Pattern.compile("(?i)\\b(?:not|don'?t|never|avoid|without|no need)\\b");
  private static final Pattern TRAINING = Pattern.compile("(?i)\\b(?:train(?:ed|ing)?|epochs?|dataset|merged?|lora\\s+steps)\\b");

  /** Extracts from a card: its description and trigger words. */
  public ModelDocumentation extract(ModelCard card) {
    return extract(card.description()).withTriggerWords(card.triggerWords());
  }

  /** Extracts from free description text (plain text; HTML tags are tolerated). */
  public ModelDocumentation extract(String description) {
    List<Sampler> samplers = new ArrayList<>();
    Range steps = null;
    Range cfg = null;
    Integer clipSkip = null;
    Integer width = null;
    Integer height = null;
    boolean hires = false;
    Map<Param, String> sources = new EnumMap<>(Param.class);
    int rejected = 0;
    for (String rawLine : description.split("[\\r\\n]+")) {
      String line = rawLine.strip();
      if (line.isEmpty()) {
        continue;
      }
      for (Sampler s : samplersNamedIn(line)) {
        if (!samplers.contains(s)) {
          samplers.add(s);
          sources.putIfAbsent(Param.SAMPLER, quote(line));
        }
      }
      boolean training = TRAINING.matcher(line).find();
      if (steps == null && !training) {
        Parsed p = range(line, STEPS_AFTER, STEPS_BEFORE, MIN_STEPS, MAX_STEPS, true);
        rejected += p.rejected;
        if (p.range != null) {
          steps = p.range;
          sources.put(Param.STEPS, quote(line));
        }
      }
      if (cfg == null) {
        Parsed p = range(line, CFG_AFTER, CFG_BEFORE, MIN_CFG, MAX_CFG, false);
        rejected += p.rejected;
        if (p.range != null) {
          cfg = p.range;
          sources.put(Param.CFG_SCALE, quote(line));
        }
      }
      if (clipSkip == null) {
        Matcher m = CLIP_SKIP.matcher(line);
        if (m.find()) {
          Double v = number(m.group(1));
          if (v != null && v >= 1 && v <= 12) {
            clipSkip = v.intValue();
            sources.put(Param.CLIP_SKIP, quote(line));
          } else {
            rejected++;
          }
        }
      }
      if (width == null) {
        Matcher m = SIZE.matcher(line);
        while (m.find()) {
          Double w = number(m.group(1));
          Double h = number(m.group(2));
          if (w != null && h != null && saneSide(w) && saneSide(h)) {
            width = w.intValue();
            height = h.intValue();
            sources.put(Param.WIDTH, quote(line));
            sources.put(Param.HEIGHT, quote(line));
            break;
          }
        }
      }
      if (!hires) {
        Matcher m = HIRES.matcher(line);
        // "hires fix is not recommended" and "don't use hires fix" both advise against it
        if (m.find() && !NOT_RECOMMENDED.matcher(line).find()) {
          hires = true;
        }
      }
    }
    return new ModelDocumentation(samplers, steps, cfg, clipSkip, width, height, hires, List.of(), sources, rejected);
  }

  /**
   * The samplers named in a text, in order of appearance; longer names win so "DPM++ 2M Karras"
   * is not also read as "DPM++ 2M" ({@link SettingPhrases#samplersNamedIn}, which the chat's
   * wishes read too).
   */
  public static List<Sampler> samplersNamedIn(String line) {
    return SettingPhrases.samplersNamedIn(line);
  }

  private record Parsed(@Nullable Range range, int rejected) {}

  private static Parsed range(String line, Pattern after, Pattern before, double min, double max, boolean integral) {
    int rejected = 0;
    for (Pattern p : List.of(after, before)) {
      Matcher m = p.matcher(line);
      while (m.find()) {
        Double lo = number(m.group(1));
        Double hi = m.group(2) == null ? lo : number(m.group(2));
        if (lo == null || hi == null) {
          rejected++;
          continue;
        }
        if (hi < lo) {
          double t = lo;
          lo = hi;
          hi = t;
        }
        if (lo < min || hi > max || (integral && (lo != Math.rint(lo) || hi != Math.rint(hi)))) {
          rejected++;
          continue;
        }
        return new Parsed(new Range(lo, hi), rejected);
      }
    }
    return new Parsed(null, rejected);
  }

  private static @Nullable Double number(@Nullable String s) {
    if (s == null) {
      return null;
    }
    try {
      double v = Double.parseDouble(s.replace(',', '.'));
      return Double.isFinite(v) ? v : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static boolean saneSide(double side) {
    return side >= 256 && side <= 2048 && side % 8 == 0;
  }

  private static String quote(String line) {
    String s = line.replaceAll("\\s+", " ");
    return "documentation: \"" + (s.length() > MAX_LINE_QUOTE ? s.substring(0, MAX_LINE_QUOTE) + "..." : s) + "\"";
  }
}
