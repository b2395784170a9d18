package io.chatgen.diffusion.tokenizer;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The part of Python's {@code html.unescape} that prompts meet: numeric references and the common
 * named entities. Unknown names stay as written, as Python leaves them.
 */
final class HtmlEntities {
  private static final Pattern REF = Pattern.compile("&(#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);?");
  private static final Map<String, String> NAMED = Map.ofEntries(
      Map.entry("amp", "&"), Map.entry("lt", "<"), Map.entry("gt", ">"), Map.entry("quot", "\""),
      Map.entry("apos", "'"), Map.entry("nbsp", "\u00a0"), Map.entry("copy", "\u00a9"),
      Map.entry("reg", "\u00ae"), Map.entry("hellip", "\u2026"), Map.entry("mdash", "\u2014"),
      Map.entry("ndash", "\u2013"), Map.entry("lsquo", "\u2018"), Map.entry("rsquo", "\u2019"),
      Map.entry("ldquo", "\u201c"), Map.entry("rdquo", "\u201d"));

  private HtmlEntities() {}

  static String unescape(String s) {
    if (s.indexOf('&') < 0) {
      return s;
    }
    Matcher m = REF.matcher(s);
    StringBuilder b = new StringBuilder();
    while (m.find()) {
      String ref = m.group(1);
      String rep = null;
      if (ref.startsWith("#")) {
        try {
          int cp = ref.length() > 1 && (ref.charAt(1) == 'x' || ref.charAt(1) == 'X')
              ? Integer.parseInt(ref.substring(2), 16) : Integer.parseInt(ref.substring(1));
          rep = Character.isValidCodePoint(cp) && cp != 0 ? new String(Character.toChars(cp)) : "\ufffd";
        } catch (NumberFormatException e) {
          rep = "\ufffd";
        }
      } else if (m.group().endsWith(";")) {
        rep = NAMED.get(ref);
      }
      m.appendReplacement(b, Matcher.quoteReplacement(rep == null ? m.group() : rep));
    }
    m.appendTail(b);
    return b.toString();
  }
}
