package io.chatgen.core.prompt;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A prompt as A1111 reads it.
 *
 * @param segments weighted runs of text, adjacent equal weights merged, BREAKs kept as markers
 * @param extraNetworks the extra-network tags, removed from the text
 */
public record ParsedPrompt(List<WeightedText> segments, List<ExtraNetwork> extraNetworks) {
  public ParsedPrompt {
    segments = List.copyOf(segments);
    extraNetworks = List.copyOf(extraNetworks);
  }

  /**
   * The plain tags: the text split at commas and BREAKs, trimmed, weights and brackets removed,
   * empties dropped, case kept. A tag split across two weights ("a (red:1.2) car") stays one tag.
   */
  public List<String> tags() {
    List<String> tags = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (WeightedText s : segments) {
      if (s.isBreak()) {
        flush(current, tags);
        continue;
      }
      for (char c : s.text().toCharArray()) {
        if (c == ',' || c == '\n' || c == '|') {
          flush(current, tags);
        } else {
          current.append(c);
        }
      }
    }
    flush(current, tags);
    return tags;
  }

  /** The tags lower-cased, as the benchmark compares them. */
  public List<String> normalizedTags() {
    return tags().stream().map(t -> t.toLowerCase(Locale.ROOT)).toList();
  }

  /** All text without weights, brackets or extra networks, BREAK as a comma. */
  public String plainText() {
    StringBuilder b = new StringBuilder();
    for (WeightedText s : segments) {
      b.append(s.isBreak() ? ", " : s.text());
    }
    return b.toString();
  }

  /**
   * Writes the prompt back in A1111 syntax, weights as {@code (text:w)}, so that parsing the
   * result gives the same segments and extra networks.
   */
  public String toPromptString() {
    StringBuilder b = new StringBuilder();
    for (WeightedText s : segments) {
      if (s.isBreak()) {
        b.append(" BREAK ");
      } else if (s.text().isEmpty()) {
        continue;
      } else if (s.weight() == 1.0) {
        b.append(PromptParser.escape(s.text()));
      } else {
        b.append('(').append(PromptParser.escape(s.text())).append(':')
            .append(PromptParser.formatWeight(s.weight())).append(')');
      }
    }
    // no separator: the parser removes the tags as they stand, so a space would come back as text
    for (ExtraNetwork n : extraNetworks) {
      b.append(n.toPromptString());
    }
    return b.toString();
  }

  private static void flush(StringBuilder current, List<String> tags) {
    String t = current.toString().trim();
    if (!t.isEmpty()) {
      tags.add(t);
    }
    current.setLength(0);
  }
}
