package io.chatgen.diffusion.conditioning;

import io.chatgen.core.InvalidRequestException;

/**
 * The two conditionings classifier-free guidance needs, padded to the same length.
 *
 * @param positive the prompt's
 * @param negative the negative prompt's
 */
public record Conditioning(PromptEmbedding positive, PromptEmbedding negative) {
  public Conditioning {
    if (positive == null || negative == null) {
      throw new InvalidRequestException("both conditionings are required");
    }
    if (positive.tokens() != negative.tokens() || positive.hidden() != negative.hidden()) {
      throw new InvalidRequestException("prompt and negative prompt conditionings must have the same shape, got "
          + positive + " and " + negative);
    }
  }
}
