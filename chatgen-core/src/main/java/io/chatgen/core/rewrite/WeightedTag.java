package io.chatgen.core.rewrite;

import io.chatgen.core.InvalidRequestException;

/**
 * A prompt tag with an attention weight, or a statistic attached to a tag (a share of prompts,
 * a conditional probability) where the vocabulary uses it that way.
 *
 * @param tag the tag text, not blank
 * @param weight the attention weight (1 plain) or the statistic, finite and positive
 */
public record WeightedTag(String tag, double weight) {
  public WeightedTag {
    if (tag == null || tag.isBlank()) {
      throw new InvalidRequestException("a tag must not be blank, was \"" + tag + "\"");
    }
    if (!(weight > 0) || Double.isInfinite(weight)) {
      throw new InvalidRequestException("tag weight must be finite and positive, was " + weight + " for " + tag);
    }
  }

  /** A plain tag of weight 1. */
  public static WeightedTag of(String tag) {
    return new WeightedTag(tag, 1.0);
  }
}
