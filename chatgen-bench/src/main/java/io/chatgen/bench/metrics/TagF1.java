package io.chatgen.bench.metrics;

import io.chatgen.core.prompt.PromptParser;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Tag-level F1: both prompts parsed as A1111 prompts with {@link PromptParser} and split into
 * comma-separated tags, weights, brackets and extra networks stripped, lower-cased, inner
 * whitespace collapsed; overlap counted over the sets of tags (a repeated tag counts once, as it
 * does for the image). Stateless and thread-safe.
 */
public final class TagF1 implements PromptSimilarity {
  /** The shared instance. */
  public static final TagF1 INSTANCE = new TagF1();

  private TagF1() {}

  @Override
  public String name() {
    return "tagF1";
  }

  @Override
  public double similarity(String predicted, String reference) {
    return Overlap.f1(List.copyOf(tags(predicted)), List.copyOf(tags(reference)));
  }

  /** The normalised tags of a prompt, in order of first appearance. */
  public static Set<String> tags(String prompt) {
    Set<String> out = new LinkedHashSet<>();
    for (String t : PromptParser.parse(prompt).normalizedTags()) {
      String n = t.strip().replaceAll("\\s+", " ");
      if (!n.isEmpty()) {
        out.add(n);
      }
    }
    return out;
  }
}
