package io.chatgen.core.prompt;

import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses prompts in the AUTOMATIC1111 syntax, following its {@code parse_prompt_attention}:
 * {@code (text)} multiplies attention by 1.1, {@code [text]} divides it by 1.1,
 * {@code (text:w)} multiplies it by w, {@code \(} is a literal bracket, {@code BREAK} starts a
 * new 75-token chunk, and {@code <kind:name:args>} tags are extra networks (LoRA, hypernetworks),
 * taken out of the text first. Unbalanced brackets are closed at the end, as A1111 does.
 *
 * <p>Two deliberate differences from A1111: a weight that is not a number ({@code (a:1.2.3)}) is
 * kept as text instead of failing, and BREAK markers are never re-weighted by an enclosing bracket
 * (A1111 would turn such a BREAK into the literal word). Empty runs are dropped.
 *
 * <p>Stateless and thread-safe.
 */
public final class PromptParser {
  private static final double ROUND = 1.1;
  private static final double SQUARE = 1 / 1.1;
  private static final Pattern ATTENTION = Pattern.compile(
      "\\\\\\(|\\\\\\)|\\\\\\[|\\\\]|\\\\\\\\|\\\\|\\(|\\[|:\\s*([+-]?[.\\d]+)\\s*\\)|\\)|]|[^\\\\()\\[\\]:]+|:");
  private static final Pattern BREAK = Pattern.compile("\\s*\\bBREAK\\b\\s*");
  private static final Pattern EXTRA_NETWORK = Pattern.compile("<(\\w+):([^>]+)>");

  private PromptParser() {}

  /** Parses a prompt; never fails, whatever the text. */
  public static ParsedPrompt parse(String prompt) {
    List<ExtraNetwork> networks = new ArrayList<>();
    String text = extractNetworks(prompt == null ? "" : prompt, networks);
    return new ParsedPrompt(parseAttention(text), networks);
  }

  private static String extractNetworks(String prompt, List<ExtraNetwork> out) {
    Matcher m = EXTRA_NETWORK.matcher(prompt);
    StringBuilder rest = new StringBuilder();
    while (m.find()) {
      String[] parts = m.group(2).split(":", -1);
      out.add(new ExtraNetwork(m.group(1), parts[0], Arrays.asList(parts).subList(1, parts.length)));
      m.appendReplacement(rest, "");
    }
    m.appendTail(rest);
    return rest.toString();
  }

  private static List<WeightedText> parseAttention(String text) {
    List<String> texts = new ArrayList<>();
    List<Double> weights = new ArrayList<>();
    Deque<Integer> round = new ArrayDeque<>();
    Deque<Integer> square = new ArrayDeque<>();
    Matcher m = ATTENTION.matcher(text);
    while (m.find()) {
      String tok = m.group();
      String weight = m.group(1);
      if (tok.startsWith("\\")) {
        texts.add(tok.length() > 1 ? tok.substring(1) : "\\");
        weights.add(1.0);
      } else if (tok.equals("(")) {
        round.push(texts.size());
      } else if (tok.equals("[")) {
        square.push(texts.size());
      } else if (weight != null && !round.isEmpty() && isNumber(weight)) {
        multiply(texts, weights, round.pop(), Double.parseDouble(weight));
      } else if (tok.equals(")") && !round.isEmpty()) {
        multiply(texts, weights, round.pop(), ROUND);
      } else if (tok.equals("]") && !square.isEmpty()) {
        multiply(texts, weights, square.pop(), SQUARE);
      } else {
        String[] parts = BREAK.split(tok, -1);
        for (int i = 0; i < parts.length; i++) {
          if (i > 0) {
            texts.add(WeightedText.BREAK.text());
            weights.add(WeightedText.BREAK.weight());
          }
          texts.add(parts[i]);
          weights.add(1.0);
        }
      }
    }
    while (!round.isEmpty()) {
      multiply(texts, weights, round.pop(), ROUND);
    }
    while (!square.isEmpty()) {
      multiply(texts, weights, square.pop(), SQUARE);
    }
    List<WeightedText> out = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      String t = texts.get(i);
      double w = weights.get(i);
      boolean isBreak = w == -1 && t.equals("BREAK");
      if (t.isEmpty()) {
        continue;
      }
      WeightedText last = out.isEmpty() ? null : out.get(out.size() - 1);
      if (last != null && !isBreak && !last.isBreak() && last.weight() == w) {
        out.set(out.size() - 1, new WeightedText(last.text() + t, w));
      } else {
        out.add(isBreak ? WeightedText.BREAK : new WeightedText(t, w));
      }
    }
    return out;
  }

  private static boolean isNumber(String s) {
    try {
      double d = Double.parseDouble(s);
      return Double.isFinite(d);
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static void multiply(List<String> texts, List<Double> weights, int from, double factor) {
    for (int i = from; i < weights.size(); i++) {
      boolean isBreak = weights.get(i) == -1 && texts.get(i).equals("BREAK");
      if (!isBreak) {
        weights.set(i, weights.get(i) * factor);
      }
    }
  }

  /** Escapes the characters that A1111 reads as syntax, so that text stays text. */
  public static String escape(String text) {
    StringBuilder b = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      if (c == '(' || c == ')' || c == '[' || c == ']' || c == '\\') {
        b.append('\\');
      }
      b.append(c);
    }
    String s = b.toString();
    // a literal BREAK inside text would split it; a lone ':' before a number and ')' is already
    // covered because ')' is escaped
    return s;
  }

  /** Formats a weight so that parsing it gives back the same double. */
  static String formatWeight(double w) {
    return BigDecimal.valueOf(w).stripTrailingZeros().toPlainString();
  }
}
