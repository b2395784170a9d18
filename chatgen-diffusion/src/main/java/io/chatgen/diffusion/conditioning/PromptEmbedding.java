package io.chatgen.diffusion.conditioning;

import io.chatgen.core.InvalidRequestException;
import java.util.Arrays;

/**
 * The conditioning of one prompt: concatenated chunk embeddings, row-major {@code [tokens, hidden]}.
 *
 * @param tokens sequence length, a multiple of 77
 * @param hidden hidden size of the text model
 * @param values {@code tokens * hidden} values
 */
public record PromptEmbedding(int tokens, int hidden, float[] values) {
  public PromptEmbedding {
    if (tokens < 1 || tokens % PromptChunk.LENGTH != 0 || hidden < 1) {
      throw new InvalidRequestException("a prompt embedding has a multiple of " + PromptChunk.LENGTH
          + " tokens and a positive hidden size, got " + tokens + " x " + hidden);
    }
    if (values == null || values.length != tokens * hidden) {
      throw new InvalidRequestException("a " + tokens + " x " + hidden + " prompt embedding needs "
          + (long) tokens * hidden + " values, got " + (values == null ? "null" : values.length));
    }
    values = values.clone();
  }

  /** The number of 77-token chunks. */
  public int chunks() {
    return tokens / PromptChunk.LENGTH;
  }

  @Override
  public float[] values() {
    return values.clone();
  }

  /** The value at (token, channel). */
  public float get(int token, int channel) {
    return values[token * hidden + channel];
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PromptEmbedding e && e.tokens == tokens && e.hidden == hidden
        && Arrays.equals(e.values, values);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(values);
  }

  @Override
  public String toString() {
    return "PromptEmbedding[" + tokens + " x " + hidden + "]";
  }
}
