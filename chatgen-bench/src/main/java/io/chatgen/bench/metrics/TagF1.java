package io.chatgen.bench.metrics;

import io.chatgen.core.rewrite.PromptOverlap;
import io.chatgen.core.rewrite.PromptTags;
import java.util.Set;

/**
 * Tag-level F1, the project's one implementation ({@link PromptOverlap#tags}): both prompts parsed
 * as A1111 prompts and split into comma-separated tags, weights, brackets and extra networks
 * stripped, lower-cased, whitespace collapsed, surrounding punctuation trimmed; overlap counted
 * over the sets of tags (a repeated tag counts once, as it does for the image). Stateless and
 * thread-safe.
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
    return PromptOverlap.tags(predicted, reference).f1();
  }

  /** The normalised tags of a prompt, in order of first appearance. */
  public static Set<String> tags(String prompt) {
    return PromptTags.tagSet(prompt);
  }
}
