package io.chatgen.params.llm;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import io.chatgen.core.Param;
import java.io.StringReader;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parameters an LLM answered, as raw text per parameter, read tolerantly: a JSON object
 * anywhere in the answer (also inside a Markdown code fence, with comments or trailing commas),
 * else "key: value" lines ("Sampler: DPM++ 2M Karras", "- CFG scale = 7", "Size: 512x768").
 * Keys are matched loosely ("cfg", "cfg_scale", "guidance scale", "sampling steps", "clip skip").
 *
 * @param values per parameter, the answered text (trimmed, unquoted)
 * @param format "json", "text" or "none" (nothing recognisable)
 */
public record LlmAnswer(Map<Param, String> values, String format) {
  /**
   * A "key: value" line ("- **Steps:** 30,", "\"cfg\" = 7"). Runs stay on the line (\h:
   * horizontal space) and are possessive, and the value is taken whole and trimmed in {@code put}:
   * a lazy value before optional trailing runs, with runs that crossed lines, took 7 s on 20,000
   * newlines (quadratic) and worse on a long line.
   */
  private static final Pattern LINE = Pattern.compile(
      "(?m)^[\\h>*#_-]*+\"?([A-Za-z][A-Za-z _-]{1,30}?)\"?[*_]*+\\h*+[:=]\\h*+[*_]*+\"?([^\"\\r\\n]*+)\"?"
          + "[*_]*+\\h*+,?\\h*+$");
  private static final Pattern SIZE = Pattern.compile("(\\d{2,5})\\s*[x×*]\\s*(\\d{2,5})");

  public LlmAnswer {
    values = Map.copyOf(values);
  }

  /** Parses an answer; never throws (an unusable answer has no values). */
  public static LlmAnswer parse(String answer) {
    String text = answer == null ? "" : answer;
    Map<Param, String> fromJson = json(text);
    if (!fromJson.isEmpty()) {
      return new LlmAnswer(fromJson, "json");
    }
    Map<Param, String> out = new EnumMap<>(Param.class);
    Matcher m = LINE.matcher(text);
    while (m.find()) {
      put(out, m.group(1), m.group(2));
    }
    return new LlmAnswer(out, out.isEmpty() ? "none" : "text");
  }

  private static Map<Param, String> json(String text) {
    Map<Param, String> out = new EnumMap<>(Param.class);
    int start = text.indexOf('{');
    int end = text.lastIndexOf('}');
    if (start < 0 || end <= start) {
      return out;
    }
    try {
      // small models write trailing commas and // comments; Gson's lenient mode accepts neither (a comment
      // starts at the first of a run of slashes: from every one, a long run would be scanned to its end)
      String body = text.substring(start, end + 1).replaceAll("(?m)(?<!/)//[^\n\"]*$", "")
          .replaceAll(",\\s*([}\\]])", "$1");
      JsonReader reader = new JsonReader(new StringReader(body));
      reader.setStrictness(Strictness.LENIENT);
      JsonElement e = JsonParser.parseReader(reader);
      if (!e.isJsonObject()) {
        return out;
      }
      flatten(e.getAsJsonObject(), out);
    } catch (RuntimeException ex) {
      // not JSON after all: the caller falls back to "key: value" lines
      out.clear();
    }
    return out;
  }

  private static void flatten(JsonObject o, Map<Param, String> out) {
    for (Map.Entry<String, JsonElement> e : o.entrySet()) {
      JsonElement v = e.getValue();
      if (v.isJsonObject()) {
        flatten(v.getAsJsonObject(), out);
      } else if (v.isJsonPrimitive()) {
        put(out, e.getKey(), v.getAsString());
      }
    }
  }

  private static void put(Map<Param, String> out, String rawKey, String rawValue) {
    // a line's value may end in spaces, commas and bold marks that are not part of it
    int end = rawValue.length();
    while (end > 0 && (Character.isWhitespace(rawValue.charAt(end - 1))
        || "*_,".indexOf(rawValue.charAt(end - 1)) >= 0)) {
      end--;
    }
    String value = rawValue.substring(0, end).strip();
    if (value.isEmpty()) {
      return;
    }
    String k = rawKey.toLowerCase(Locale.ROOT).replaceAll("[^a-z]", "");
    Param p = switch (k) {
      case "sampler", "samplername", "sampling", "samplingmethod", "scheduler", "method" -> Param.SAMPLER;
      case "steps", "samplingsteps", "numsteps", "numinferencesteps", "step" -> Param.STEPS;
      case "cfg", "cfgscale", "guidance", "guidancescale", "scale" -> Param.CFG_SCALE;
      case "width", "w" -> Param.WIDTH;
      case "height", "h" -> Param.HEIGHT;
      case "clipskip", "clip" -> Param.CLIP_SKIP;
      case "seed" -> Param.SEED;
      case "size", "resolution", "dimensions" -> null;
      default -> null;
    };
    if (p != null) {
      out.putIfAbsent(p, value);
      return;
    }
    if (k.equals("size") || k.equals("resolution") || k.equals("dimensions")) {
      Matcher m = SIZE.matcher(value);
      if (m.find()) {
        out.putIfAbsent(Param.WIDTH, m.group(1));
        out.putIfAbsent(Param.HEIGHT, m.group(2));
      }
    }
  }
}
