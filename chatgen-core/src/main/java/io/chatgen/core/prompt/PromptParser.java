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
 * (A1111 would turn such a BREAK into the literal word). Empty runs are dropped. Brackets nested
 * deeper than {@link #MAX_DEPTH} are text.
 *
 * <p>Stateless and thread-safe.
 */
public final class PromptParser {
  /**
   * Brackets nested deeper than this are read as text. Each run of text is re-weighted once per
   * bracket open around it, so the cap keeps parsing linear in the prompt's length even for a
   * megabyte of brackets; real prompts nest a handful of levels.
   */
  public static final int MAX_DEPTH = 64;

  private static final double ROUND = 1.1;
  private static final double SQUARE = 1 / 1.1;
  private static final Pattern ATTENTION = Pattern.compile(
      "\\\\\\(|\\\\\\)|\\\\\\[|\\\\]|\\\\\\\\|\\\\|\\(|\\[|:\\s*([+-]?[.\\d]+)\\s*\\)|\\)|]|[^\\\\()\\[\\]:]+|:");
  // a match may start only where a run of spaces starts: else every start inside a long run of
  // spaces scans to its end (a prompt of 32,000 spaces took 2.5 s to parse, quadratic)
  private static final Pattern BREAK = Pattern.compile("(?<!\\s)\\s*+\\bBREAK\\b\\s*+");
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
      } else if (tok.equals("(") && round.size() + square.size() < MAX_DEPTH) {
        round.push(texts.size());
      } else if (tok.equals("[") && round.size() + square.size() < MAX_DEPTH) {
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
    // merge runs of equal weight, as A1111 does
    List<WeightedText> out = new ArrayList<>();
    StringBuilder run = new StringBuilder();
    double runWeight = Double.NaN;
    for (int i = 0; i < texts.size(); i++) {
      String t = texts.get(i);
      double w = weights.get(i);
      if (t.isEmpty()) {
        continue;
      }
      boolean isBreak = w == -1 && t.equals("BREAK");
      if (!isBreak && run.length() > 0 && runWeight == w) {
        run.append(t);
        continue;
      }
      flush(run, runWeight, out);
      if (isBreak) {
        out.add(WeightedText.BREAK);
      } else {
        run.append(t);
        runWeight = w;
      }
    }
    flush(run, runWeight, out);
    return out;
  }

  private static void flush(StringBuilder run, double weight, List<WeightedText> out) {
    if (run.length() > 0) {
      out.add(new WeightedText(run.toString(), weight));
      run.setLength(0);
    }
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
