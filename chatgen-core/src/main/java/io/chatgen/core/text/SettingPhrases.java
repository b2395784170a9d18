package io.chatgen.core.text;

import io.chatgen.core.Sampler;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The phrases of a chat that ask for generation settings rather than describe the picture: "seed
 * 42", "30 steps", "cfg 9", "clip skip 2", "768x1024", "16:9", "portrait format", "quick draft",
 * "more steps" and sampler names ("DPM++ 2M Karras", "euler a"). One place for both of their
 * readers: the parameter configurator takes its values from them, and the prompt rewriter and the
 * model selector leave them out of the picture's description (a prompt saying "seed 42, (steps:1.2)"
 * describes nothing, and such words only mislead a search among prompts).
 *
 * <p>Only explicit phrases count: "a portrait of my cat" and "a wide shot" say nothing about the
 * picture's shape, "a staircase of 30 steps" would; a shape asked for through a purpose ("a phone
 * wallpaper", "a banner") is left in the text, since such words also describe the picture.
 * Stateless and thread-safe.
 */
public final class SettingPhrases {
  // possessive quantifiers (*+, ++) throughout: a chat of "steps" and 100,000 spaces must not make
  // the engine try every way of splitting the spaces between two optional runs (quadratic time)
  private static final String NUM = "(-?\\d++(?:[.,]\\d++)?(?:\\s*+\\^\\s*+\\d++|e\\d++)?)";
  /** "seed 42", "seed: 42", "seed is 7"; group 1 is the number. */
  public static final Pattern SEED = Pattern.compile("(?i)\\bseed\\b\\s*+(?:(?:[:=#]|is|of|number)\\s*+)?" + NUM);
  /** "steps 30", "sampling steps: 25"; group 1 is the number. */
  public static final Pattern STEPS_AFTER = Pattern.compile(
      "(?i)\\b(?:sampling\\s++)?steps\\b\\s*+(?:(?:[:=]|of|to)\\s*+)?" + NUM);
  /** "30 steps", "25 sampling steps", not "three steps away"; group 1 is the number. */
  public static final Pattern STEPS_BEFORE = Pattern.compile("(?i)(?<![\\w.])" + NUM
      + "\\s*+(?:sampling\\s++|denoising\\s++)?steps\\b(?!\\s++(?:away|from|behind|ahead|back|forward|down|up))");
  /** "cfg 9", "CFG scale 7.5", "guidance 6"; group 1 is the number. */
  public static final Pattern CFG = Pattern.compile(
      "(?i)\\b(?:cfg(?:\\s*+scale)?|guidance(?:\\s*+scale)?)\\b\\s*+(?:(?:[:=]|of|to|at)\\s*+)?" + NUM);
  /** "clip skip 2", "CLIP_skip: 1"; group 1 is the number. */
  public static final Pattern CLIP_SKIP = Pattern.compile(
      "(?i)\\bclip[\\s_-]*+skip\\b\\s*+(?:(?:[:=]|of|to)\\s*+)?" + NUM);
  /** "768x1024", "512 × 768"; groups 1 and 2 are width and height. */
  public static final Pattern SIZE = Pattern.compile("(?i)(?<![\\w.])(\\d{2,6})\\s*+[x×*]\\s*+(\\d{2,6})(?![\\w.])");
  /** A wish for fewer steps without a number: "quick draft", "fast preview", "fewer steps". */
  public static final Pattern FEWER_STEPS = Pattern.compile(
      "(?i)\\b(?:quick|rough|fast)\\s++(?:draft|sketch|preview|test|version|try)\\b|\\bdraft\\s++quality\\b"
          + "|\\b(?:fewer|less|low)\\s++steps\\b");
  private static final Pattern MORE_STEPS_NAMED = Pattern.compile(
      "\\b(?:more|higher|extra)\\s++(?:sampling\\s++)?steps\\b", Pattern.CASE_INSENSITIVE);
  /** A wish for more steps without a number: "more steps", "maximum quality". */
  public static final Pattern MORE_STEPS = Pattern.compile(
      MORE_STEPS_NAMED.pattern() + "|\\b(?:max(?:imum)?|highest)\\s++quality\\b", Pattern.CASE_INSENSITIVE);
  /** A tall shape named as a format: "portrait orientation", "portrait format", "9:16". */
  public static final Pattern PORTRAIT_FORMAT = Pattern.compile(
      "\\bportrait\\s++(?:orientation|format|mode|aspect|layout|ratio)\\b|\\b(?:9:16|2:3|3:4|4:5)\\b",
      Pattern.CASE_INSENSITIVE);
  /** A wide shape named as a format: "landscape orientation", "16:9". */
  public static final Pattern LANDSCAPE_FORMAT = Pattern.compile(
      "\\blandscape\\s++(?:orientation|format|mode|aspect|layout|ratio)\\b|\\b(?:16:9|3:2|4:3|21:9)\\b",
      Pattern.CASE_INSENSITIVE);
  /** A square shape named as a format: "1:1". */
  public static final Pattern SQUARE_FORMAT = Pattern.compile("\\b1:1\\b");

  /** The phrases left out of a picture's description; "maximum quality" stays, it describes the picture. */
  private static final List<Pattern> SETTINGS = List.of(SEED, STEPS_AFTER, STEPS_BEFORE, CFG, CLIP_SKIP, SIZE,
      FEWER_STEPS, MORE_STEPS_NAMED, PORTRAIT_FORMAT, LANDSCAPE_FORMAT, SQUARE_FORMAT);
  private static final List<SamplerName> SAMPLER_NAMES = samplerNames();

  private SettingPhrases() {}

  /**
   * Where a text names something.
   *
   * @param start the first character
   * @param end one past the last character
   */
  public record Span(int start, int end) {}

  /**
   * A sampler named in a text.
   *
   * @param sampler the sampler
   * @param span where the text names it
   */
  public record SamplerMention(Sampler sampler, Span span) {}

  /**
   * The samplers named in a text, in order of appearance, each once; longer names win so "DPM++ 2M
   * Karras" is not also read as "DPM++ 2M".
   */
  public static List<Sampler> samplersNamedIn(String text) {
    Set<Sampler> found = new LinkedHashSet<>();
    samplerMentions(text).forEach(m -> found.add(m.sampler()));
    return new ArrayList<>(found);
  }

  /**
   * Every mention of a sampler in a text, in order of appearance ("DPM++ 2M Karras", "dpmpp_2m",
   * "Euler ancestral"); bare "Euler", "LMS", "Heun", "DDIM" count only as whole words.
   */
  public static List<SamplerMention> samplerMentions(String text) {
    Normalised key = normalise(text);
    List<Span> taken = new ArrayList<>();
    List<SamplerMention> hits = new ArrayList<>();
    for (SamplerName n : SAMPLER_NAMES) {
      int from = 0;
      while (true) {
        int at = key.text.indexOf(n.key, from);
        if (at < 0) {
          break;
        }
        int end = at + n.key.length();
        boolean boundedLeft = at == 0 || !Character.isLetterOrDigit(key.text.charAt(at - 1));
        boolean boundedRight = end == key.text.length() || !Character.isLetterOrDigit(key.text.charAt(end));
        boolean overlaps = taken.stream().anyMatch(t -> at < t.end() && end > t.start());
        if (boundedLeft && boundedRight && !overlaps) {
          Span inKey = new Span(at, end);
          taken.add(inKey);
          hits.add(new SamplerMention(n.sampler, new Span(key.origin[at], key.origin[end - 1] + 1)));
        }
        from = at + 1;
      }
    }
    hits.sort(Comparator.comparingInt(h -> h.span().start()));
    return hits;
  }

  /** The phrases of a text that ask for settings (see the class comment), in order, not overlapping. */
  public static List<Span> find(String text) {
    List<Span> spans = new ArrayList<>();
    for (Pattern p : SETTINGS) {
      Matcher m = p.matcher(text);
      while (m.find()) {
        spans.add(new Span(m.start(), m.end()));
      }
    }
    samplerMentions(text).forEach(m -> spans.add(m.span()));
    spans.sort(Comparator.comparingInt(Span::start).thenComparing(Comparator.comparingInt(Span::end).reversed()));
    List<Span> merged = new ArrayList<>();
    for (Span s : spans) {
      Span last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
      if (last != null && s.start() < last.end()) {
        merged.set(merged.size() - 1, new Span(last.start(), Math.max(last.end(), s.end())));
      } else {
        merged.add(s);
      }
    }
    return merged;
  }

  /**
   * The text without its settings phrases, each replaced by a comma so that the words on either
   * side do not run together into one phrase; the text itself when it names no setting.
   */
  public static String without(String text) {
    return without(text, find(text));
  }

  /** The text without the given spans (from {@link #find} on the same text), each replaced by a comma. */
  public static String without(String text, List<Span> spans) {
    if (spans.isEmpty()) {
      return text;
    }
    StringBuilder b = new StringBuilder(text.length());
    int at = 0;
    for (Span s : spans) {
      b.append(text, at, s.start()).append(',');
      at = s.end();
    }
    return b.append(text, at, text.length()).toString();
  }

  // ---------------------------------------------------------------- sampler names

  private record SamplerName(String key, Sampler sampler) {}

  private static List<SamplerName> samplerNames() {
    List<SamplerName> names = new ArrayList<>();
    for (Sampler s : Sampler.values()) {
      Set<String> spellings = new LinkedHashSet<>();
      String a = s.a1111Name();
      spellings.add(normalise(a).text);
      spellings.add(normalise(a.replace("++", "pp")).text);
      spellings.add(normalise(a.replace(" ", "")).text);
      spellings.add(normalise(a.replace("++ ", "++")).text);
      spellings.add(normalise(a.replace(" a", " ancestral")).text);
      spellings.add(normalise(a.replace("DPM++", "DPMPP").replace(' ', '_')).text);
      for (String spelling : spellings) {
        // bare "Euler", "LMS", "Heun", "DDIM" are only read when they stand alone as words
        if (spelling.length() >= 3) {
          names.add(new SamplerName(spelling, s));
        }
      }
    }
    names.sort(Comparator.comparingInt((SamplerName n) -> n.key.length()).reversed());
    return names;
  }

  /**
   * A text in lower case with "dpmpp" and "dmp++" read as "dpm++", runs of separators collapsed to
   * one space and no space after "++" ("dpm++2m" and "dpm++ 2m" are the same name); {@code origin}
   * gives each character's index in the original text.
   */
  private record Normalised(String text, int[] origin) {}

  private static Normalised normalise(String s) {
    // char by char, so that every index maps back (String.toLowerCase may change the length)
    char[] lower = new char[s.length()];
    for (int i = 0; i < s.length(); i++) {
      lower[i] = Character.toLowerCase(s.charAt(i));
    }
    String t = new String(lower).replace("dmp++", "dpm++").replace("dpmpp", "dpm++");
    StringBuilder b = new StringBuilder(t.length());
    int[] origin = new int[t.length()];
    boolean space = false;
    int spaceAt = 0;
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      if (Character.isLetterOrDigit(c) || c == '+') {
        boolean afterPlus = b.length() >= 2 && b.charAt(b.length() - 1) == '+' && b.charAt(b.length() - 2) == '+';
        if (space && b.length() > 0 && !afterPlus) {
          origin[b.length()] = spaceAt;
          b.append(' ');
        }
        origin[b.length()] = i;
        b.append(c);
        space = false;
      } else if (!space) {
        space = true;
        spaceAt = i;
      }
    }
    return new Normalised(b.toString(), java.util.Arrays.copyOf(origin, b.length()));
  }
}
