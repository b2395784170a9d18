package io.chatgen.diffusion.conditioning;

import io.chatgen.core.InvalidRequestException;
import io.chatgen.diffusion.tokenizer.ClipTokenizer;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a prompt and a negative prompt into the text conditioning of an SD 1.x UNet, as A1111
 * does with its default "Original" emphasis: the prompt is chunked ({@link PromptChunker}), each
 * 77-token window encoded, multiplied token-wise by its weights, and rescaled so that the
 * window's mean over all tokens and channels is what it was before weighting. Windows are
 * concatenated along the token axis. The shorter of prompt and negative prompt is padded with
 * the encoding of an empty window so that both have the same length (A1111's "pad prompt/negative
 * prompt to be same length"; without it A1111 runs the two UNet passes separately).
 *
 * <p>Stateless apart from the encoder it is given; as thread-safe as that encoder.
 */
public final class PromptConditioner {
  private final PromptChunker chunker;
  private final ChunkEncoder encoder;

  public PromptConditioner(ClipTokenizer tokenizer, ChunkEncoder encoder) {
    this.chunker = new PromptChunker(tokenizer);
    this.encoder = encoder;
  }

  /** The chunker in use (for token counts). */
  public PromptChunker chunker() {
    return chunker;
  }

  /** Both conditionings, encoded in one batch. */
  public Conditioning condition(String prompt, String negativePrompt) {
    List<PromptChunk> pos = new ArrayList<>(chunker.chunk(prompt));
    List<PromptChunk> neg = new ArrayList<>(chunker.chunk(negativePrompt));
    PromptChunk empty = chunker.emptyChunk();
    while (neg.size() < pos.size()) {
      neg.add(empty);
    }
    while (pos.size() < neg.size()) {
      pos.add(empty);
    }
    List<PromptChunk> all = new ArrayList<>(pos);
    all.addAll(neg);
    float[][] encoded = encodeChecked(all);
    int n = pos.size();
    return new Conditioning(
        concat(all.subList(0, n), slice(encoded, 0, n)),
        concat(all.subList(n, 2 * n), slice(encoded, n, 2 * n)));
  }

  /** One prompt's conditioning, unpadded. */
  public PromptEmbedding embed(String prompt) {
    List<PromptChunk> chunks = chunker.chunk(prompt);
    return concat(chunks, encodeChecked(chunks));
  }

  private float[][] encodeChecked(List<PromptChunk> chunks) {
    int[][] windows = new int[chunks.size()][];
    for (int i = 0; i < windows.length; i++) {
      windows[i] = chunks.get(i).tokens();
    }
    float[][] out = encoder.encode(windows);
    if (out.length != windows.length) {
      throw new InvalidRequestException(
          "text encoder returned " + out.length + " embeddings for " + windows.length + " windows");
    }
    for (float[] e : out) {
      if (e.length == 0 || e.length % PromptChunk.LENGTH != 0 || e.length != out[0].length) {
        throw new InvalidRequestException("text encoder returned an embedding of " + e.length
            + " values; expected 77 x hidden, the same for every window");
      }
    }
    return out;
  }

  private static float[][] slice(float[][] a, int from, int to) {
    float[][] out = new float[to - from][];
    System.arraycopy(a, from, out, 0, to - from);
    return out;
  }

  private static PromptEmbedding concat(List<PromptChunk> chunks, float[][] encoded) {
    int hidden = encoded[0].length / PromptChunk.LENGTH;
    float[] values = new float[chunks.size() * encoded[0].length];
    for (int c = 0; c < chunks.size(); c++) {
      float[] z = emphasis(encoded[c], chunks.get(c).multipliers(), hidden);
      System.arraycopy(z, 0, values, c * z.length, z.length);
    }
    return new PromptEmbedding(chunks.size() * PromptChunk.LENGTH, hidden, values);
  }

  /**
   * A1111's {@code EmphasisOriginal.after_transformers}: {@code z * w}, then times
   * {@code mean(z) / mean(z * w)} over the whole window.
   */
  static float[] emphasis(float[] z, float[] multipliers, int hidden) {
    double before = 0;
    float[] out = new float[z.length];
    for (int i = 0; i < z.length; i++) {
      before += z[i];
      out[i] = z[i] * multipliers[i / hidden];
    }
    double after = 0;
    for (float v : out) {
      after += v;
    }
    if (after == 0 || before == after) {
      return before == after ? out : z.clone();
    }
    float ratio = (float) ((before / z.length) / (after / z.length));
    for (int i = 0; i < out.length; i++) {
      out[i] *= ratio;
    }
    return out;
  }
}
