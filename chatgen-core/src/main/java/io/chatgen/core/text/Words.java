package io.chatgen.core.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Splits text into lower-case words: runs of letters and digits (any script), with prompt
 * syntax, punctuation and weights as separators. Used by every word-level metric and feature so
 * that they agree on what a word is.
 */
public final class Words {
  private Words() {}

  /** The words of {@code text}, lower-cased, in order. */
  public static List<String> of(String text) {
    List<String> out = new ArrayList<>();
    if (text == null) {
      return out;
    }
    StringBuilder cur = new StringBuilder();
    int n = text.length();
    for (int i = 0; i < n; ) {
      int cp = text.codePointAt(i);
      i += Character.charCount(cp);
      if (Character.isLetterOrDigit(cp) || (cp == '\'' && cur.length() > 0)) {
        cur.appendCodePoint(cp);
      } else if (cur.length() > 0) {
        add(cur, out);
      }
    }
    if (cur.length() > 0) {
      add(cur, out);
    }
    return out;
  }

  private static void add(StringBuilder cur, List<String> out) {
    String w = cur.toString().toLowerCase(Locale.ROOT);
    while (w.endsWith("'")) {
      w = w.substring(0, w.length() - 1);
    }
    if (!w.isEmpty()) {
      out.add(w);
    }
    cur.setLength(0);
  }
}
