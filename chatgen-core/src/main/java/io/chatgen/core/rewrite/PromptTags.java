package io.chatgen.core.rewrite;

import io.chatgen.core.prompt.PromptParser;
import io.chatgen.core.text.Words;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads tags out of community prompts and writes tags back as prompts that {@link PromptParser}
 * reads without loss. Stateless and thread-safe.
 */
public final class PromptTags {
  private static final Pattern BREAK = Pattern.compile("\\bBREAK\\b");
  private static final Pattern SPACES = Pattern.compile("\\s+");

  private PromptTags() {}

  /**
   * The tags of a prompt as the benchmark compares them: {@link PromptParser}'s tags, lower-cased,
   * weights and brackets stripped, inner whitespace collapsed, surrounding punctuation trimmed.
   */
  public static List<String> normalizedTags(String prompt) {
    List<String> out = new ArrayList<>();
    for (String t : PromptParser.parse(prompt).tags()) {
      String n = normalize(t);
      if (!n.isEmpty()) {
        out.add(n);
      }
    }
    return out;
  }

  /** The distinct normalized tags of a prompt, in order of first appearance. */
  public static Set<String> tagSet(String prompt) {
    return new LinkedHashSet<>(normalizedTags(prompt));
  }

  /** One tag lower-cased, whitespace collapsed, surrounding punctuation and quotes trimmed. */
  public static String normalize(String tag) {
    String t = SPACES.matcher(tag.toLowerCase(Locale.ROOT)).replaceAll(" ").trim();
    int from = 0;
    int to = t.length();
    while (from < to && isTrimmable(t.charAt(from))) {
      from++;
    }
    while (to > from && isTrimmable(t.charAt(to - 1))) {
      to--;
    }
    return t.substring(from, to).trim();
  }

  /** The lookup key of a tag: its {@link Words} joined by single spaces ("close-up" -> "close up"). */
  public static String key(String tag) {
    return String.join(" ", Words.of(tag));
  }

  /**
   * Makes free text safe to stand as one tag: characters that the prompt syntax would read as a
   * separator, an extra network or a BREAK are replaced, whitespace collapsed. Brackets are kept
   * here and escaped by {@link #join}.
   */
  public static String clean(String text) {
    StringBuilder b = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == ',' || c == '|' || c == '<' || c == '>' || c == '\\' || Character.isWhitespace(c)
          || Character.isISOControl(c)) {
        b.append(' ');
      } else {
        b.append(c);
      }
    }
    return SPACES.matcher(BREAK.matcher(b).replaceAll("break")).replaceAll(" ").trim();
  }

  /**
   * Writes tags as an A1111 prompt, comma-separated, each tag {@linkplain #clean cleaned} and
   * escaped, weighted ones as {@code (tag:w)}. Parsing the result gives back exactly the cleaned
   * tags, in order (empty ones are dropped).
   */
  public static String join(List<WeightedTag> tags) {
    StringBuilder b = new StringBuilder();
    for (WeightedTag t : tags) {
      String c = clean(t.tag());
      if (c.isEmpty()) {
        continue;
      }
      if (b.length() > 0) {
        b.append(", ");
      }
      appendTag(b, c, t.weight());
    }
    return b.toString();
  }

  /** Writes one cleaned tag, weighted when its weight is not 1. */
  static void appendTag(StringBuilder b, String cleaned, double weight) {
    if (weight == 1.0) {
      b.append(PromptParser.escape(cleaned));
    } else {
      b.append('(').append(PromptParser.escape(cleaned)).append(':')
          .append(java.math.BigDecimal.valueOf(weight).stripTrailingZeros().toPlainString()).append(')');
    }
  }

  private static boolean isTrimmable(char c) {
    return c == '.' || c == ';' || c == ':' || c == '!' || c == '?' || c == '"' || c == '\'' || c == '`'
        || c == '*' || c == '-' || c == '_' || c == '~' || Character.isWhitespace(c);
  }
}
