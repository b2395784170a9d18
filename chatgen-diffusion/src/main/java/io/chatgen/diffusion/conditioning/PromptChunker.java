package io.chatgen.diffusion.conditioning;

import io.chatgen.core.prompt.ParsedPrompt;
import io.chatgen.core.prompt.PromptParser;
import io.chatgen.core.prompt.WeightedText;
import io.chatgen.diffusion.tokenizer.ClipTokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Cuts a prompt into 77-token windows the way A1111's
 * {@code FrozenCLIPEmbedderWithCustomWordsBase.tokenize_line} does: each weighted segment is
 * tokenized on its own; a window holds 75 prompt tokens; when it is full and a comma lies within
 * its last 20 tokens, the tokens after that comma move to the next window; {@code BREAK} closes
 * the window; every window is padded with EOS to 75 and wrapped in BOS/EOS. An empty prompt gives
 * one window of padding. Textual-inversion embeddings are not supported (their names are
 * tokenized as words).
 *
 * <p>Immutable and thread-safe.
 */
public final class PromptChunker {
  /** Prompt tokens per window. */
  public static final int CHUNK_TOKENS = 75;
  /** A1111's default "comma_padding_backtrack". */
  public static final int COMMA_BACKTRACK = 20;

  private final ClipTokenizer tokenizer;
  private final int comma;

  public PromptChunker(ClipTokenizer tokenizer) {
    this.tokenizer = tokenizer;
    this.comma = tokenizer.id(",</w>").orElse(-1);
  }

  /** The chunks of a prompt in A1111 syntax. */
  public List<PromptChunk> chunk(String prompt) {
    return chunk(PromptParser.parse(prompt));
  }

  /** The chunks of a parsed prompt. */
  public List<PromptChunk> chunk(ParsedPrompt prompt) {
    return new Builder().run(prompt.segments());
  }

  /** The number of prompt tokens (what A1111 shows as "n/75"), BREAK padding included. */
  public int tokenCount(String prompt) {
    Builder b = new Builder();
    b.run(PromptParser.parse(prompt).segments());
    return b.tokenCount;
  }

  /** The window of an empty prompt: BOS, 76 EOS, weights 1. */
  public PromptChunk emptyChunk() {
    return new Builder().run(List.of()).get(0);
  }

  /** Mutable state of one run, as A1111's closure keeps it. */
  private final class Builder {
    final List<PromptChunk> chunks = new ArrayList<>();
    List<Integer> tokens = new ArrayList<>();
    List<Float> weights = new ArrayList<>();
    int tokenCount;
    int lastComma = -1;

    List<PromptChunk> run(List<WeightedText> segments) {
      for (WeightedText segment : segments) {
        if (segment.isBreak()) {
          nextChunk(false);
          continue;
        }
        float weight = (float) segment.weight();
        for (int token : tokenizer.encode(segment.text())) {
          if (token == comma) {
            lastComma = tokens.size();
          } else if (tokens.size() == CHUNK_TOKENS && lastComma != -1
              && tokens.size() - lastComma <= COMMA_BACKTRACK) {
            int breakAt = lastComma + 1;
            List<Integer> movedTokens = new ArrayList<>(tokens.subList(breakAt, tokens.size()));
            List<Float> movedWeights = new ArrayList<>(weights.subList(breakAt, weights.size()));
            tokens = new ArrayList<>(tokens.subList(0, breakAt));
            weights = new ArrayList<>(weights.subList(0, breakAt));
            nextChunk(false);
            tokens = movedTokens;
            weights = movedWeights;
          }
          if (tokens.size() == CHUNK_TOKENS) {
            nextChunk(false);
          }
          tokens.add(token);
          weights.add(weight);
        }
      }
      if (!tokens.isEmpty() || chunks.isEmpty()) {
        nextChunk(true);
      }
      return List.copyOf(chunks);
    }

    void nextChunk(boolean isLast) {
      tokenCount += isLast ? tokens.size() : CHUNK_TOKENS;
      int[] ids = new int[PromptChunk.LENGTH];
      float[] mult = new float[PromptChunk.LENGTH];
      Arrays.fill(ids, tokenizer.eosId());
      Arrays.fill(mult, 1f);
      ids[0] = tokenizer.bosId();
      for (int i = 0; i < tokens.size(); i++) {
        ids[i + 1] = tokens.get(i);
        mult[i + 1] = weights.get(i);
      }
      chunks.add(new PromptChunk(ids, mult));
      tokens = new ArrayList<>();
      weights = new ArrayList<>();
      lastComma = -1;
    }
  }
}
