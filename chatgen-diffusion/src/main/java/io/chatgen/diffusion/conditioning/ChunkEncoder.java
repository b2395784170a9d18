package io.chatgen.diffusion.conditioning;

/**
 * The text model seen by the conditioner: hidden states of 77-token windows. In the generator
 * this is the CLIP text encoder with clip skip applied.
 */
@FunctionalInterface
public interface ChunkEncoder {
  /**
   * Encodes windows of token ids.
   *
   * @param windows {@code n} windows of {@value PromptChunk#LENGTH} token ids
   * @return per window its hidden states, row-major {@code [77, hidden]}, all of the same hidden size
   */
  float[][] encode(int[][] windows);
}
