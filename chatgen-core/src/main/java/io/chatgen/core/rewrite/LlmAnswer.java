package io.chatgen.core.rewrite;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import io.chatgen.core.llm.EndpointException;
import java.io.StringReader;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a prompt and a negative prompt out of a language model's answer, tolerantly: a JSON
 * object (bare, fenced in {@code ```json}, or inside prose), or labelled text ("Prompt: ... /
 * Negative prompt: ..."). Anything else is an {@link EndpointException}: raw text is never passed
 * on as a prompt. Stateless and thread-safe.
 */
final class LlmAnswer {
  /**
   * What the answer said.
   *
   * @param prompt the positive prompt as written (trimmed)
   * @param negativePrompt the negative prompt as written (trimmed, empty when absent)
   * @param format "json" or "text"
   */
  record Parsed(String prompt, String negativePrompt, String format) {}

  private static final List<String> PROMPT_KEYS = List.of("prompt", "positive_prompt", "positiveprompt",
      "positive", "positive prompt");
  private static final List<String> NEGATIVE_KEYS = List.of("negative_prompt", "negativeprompt", "negative",
      "negative prompt", "neg_prompt");
  private static final Pattern FENCE = Pattern.compile("```(?:json|JSON)?\\s*\\n?(.*?)```", Pattern.DOTALL);
  // runs stay on the label's line (\h: horizontal space) and are possessive: a line start may
  // not scan all the lines below it, nor two runs split one run of spaces every way (20,000
  // spaces took 5.7 s); "**" and list marks before the label are in the leading run
  private static final Pattern LABEL = Pattern.compile(
      "(?im)^[\\h>*#_-]*+(negative\\s++prompt|negative|positive\\s++prompt|prompt)\\h*+(?:\\*\\*)?\\h*+[:：]"
          + "\\s*+(?:\\*\\*)?");

  private LlmAnswer() {}

  static Parsed parse(String answer, String endpoint) {
    String text = answer.strip();
    Matcher fence = FENCE.matcher(text);
    if (fence.find()) {
      Optional<Parsed> p = fromJson(fence.group(1));
      if (p.isPresent()) {
        return p.get();
      }
    }
    int open = text.indexOf('{');
    int close = text.lastIndexOf('}');
    if (open >= 0 && close > open) {
      Optional<Parsed> p = fromJson(text.substring(open, close + 1));
      if (p.isPresent()) {
        return p.get();
      }
    }
    Optional<Parsed> p = fromLabels(text);
    if (p.isPresent()) {
      return p.get();
    }
    throw new EndpointException(endpoint + " answered without a prompt field (expected a JSON object with "
        + "\"prompt\" and \"negative_prompt\", or \"Prompt: ...\" lines): " + abbreviate(text));
  }

  private static Optional<Parsed> fromJson(String s) {
    try {
      JsonReader r = new JsonReader(new StringReader(s));
      r.setStrictness(Strictness.LENIENT);
      JsonElement el = JsonParser.parseReader(r);
      if (!el.isJsonObject()) {
        return Optional.empty();
      }
      JsonObject o = el.getAsJsonObject();
      String prompt = field(o, PROMPT_KEYS);
      if (prompt == null) {
        return Optional.empty();
      }
      String neg = field(o, NEGATIVE_KEYS);
      return Optional.of(new Parsed(prompt.strip(), neg == null ? "" : neg.strip(), "json"));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private static String field(JsonObject o, List<String> keys) {
    for (String k : o.keySet()) {
      String norm = k.toLowerCase(Locale.ROOT).trim();
      if (keys.contains(norm)) {
        JsonElement v = o.get(k);
        if (v.isJsonPrimitive()) {
          return v.getAsString();
        }
        if (v.isJsonArray()) {
          StringBuilder b = new StringBuilder();
          for (JsonElement e : v.getAsJsonArray()) {
            if (e.isJsonPrimitive()) {
              b.append(b.length() == 0 ? "" : ", ").append(e.getAsString());
            }
          }
          return b.toString();
        }
      }
    }
    return null;
  }

  private static Optional<Parsed> fromLabels(String text) {
    Matcher m = LABEL.matcher(text);
    String prompt = null;
    String neg = null;
    String label = null;
    int start = -1;
    while (m.find()) {
      if (label != null) {
        String value = text.substring(start, m.start());
        if (label.startsWith("negative")) {
          neg = neg == null ? value : neg;
        } else {
          prompt = prompt == null ? value : prompt;
        }
      }
      label = m.group(1).toLowerCase(Locale.ROOT);
      start = m.end();
    }
    if (label != null) {
      String value = text.substring(start);
      if (label.startsWith("negative")) {
        neg = neg == null ? value : neg;
      } else {
        prompt = prompt == null ? value : prompt;
      }
    }
    if (prompt == null) {
      return Optional.empty();
    }
    return Optional.of(new Parsed(unquote(prompt), neg == null ? "" : unquote(neg), "text"));
  }

  private static String unquote(String s) {
    String t = s.strip();
    while (t.endsWith("**") || t.endsWith("`")) {
      t = t.substring(0, t.length() - (t.endsWith("**") ? 2 : 1)).strip();
    }
    if (t.length() >= 2 && (t.startsWith("\"") && t.endsWith("\"") || t.startsWith("`") && t.endsWith("`"))) {
      t = t.substring(1, t.length() - 1).strip();
    }
    return t;
  }

  static String abbreviate(String s) {
    String t = s.replaceAll("\\s+", " ");
    return t.length() > 160 ? t.substring(0, 160) + "..." : t;
  }
}
