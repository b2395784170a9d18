package io.chatgen.diffusion.conditioning;

import io.chatgen.core.InvalidRequestException;
import java.util.Arrays;

/**
 * One text-encoder window: BOS, 75 prompt or padding tokens, EOS, and a weight per position
 * (1.0 for BOS, EOS and padding).
 *
 * @param tokens 77 token ids
 * @param multipliers 77 attention weights
 */
public record PromptChunk(int[] tokens, float[] multipliers) {
  /** Tokens per window including BOS and EOS. */
  public static final int LENGTH = 77;

  public PromptChunk {
    if (tokens == null || multipliers == null || tokens.length != LENGTH || multipliers.length != LENGTH) {
      throw new InvalidRequestException("a prompt chunk holds exactly " + LENGTH + " tokens and weights, got "
          + (tokens == null ? "null" : tokens.length) + " and " + (multipliers == null ? "null" : multipliers.length));
    }
    tokens = tokens.clone();
    multipliers = multipliers.clone();
  }

  @Override
  public int[] tokens() {
    return tokens.clone();
  }

  @Override
  public float[] multipliers() {
    return multipliers.clone();
  }

  /** Whether every weight is 1 (emphasis leaves such a chunk unchanged). */
  public boolean unweighted() {
    for (float m : multipliers) {
      if (m != 1f) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PromptChunk c && Arrays.equals(c.tokens, tokens) && Arrays.equals(c.multipliers, multipliers);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(tokens) + Arrays.hashCode(multipliers);
  }

  @Override
  public String toString() {
    return "PromptChunk" + Arrays.toString(tokens);
  }
}
