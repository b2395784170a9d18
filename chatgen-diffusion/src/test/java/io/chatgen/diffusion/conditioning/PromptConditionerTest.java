package io.chatgen.diffusion.conditioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.chatgen.diffusion.tokenizer.ClipTokenizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Chunking and emphasis on a character-level CLIP vocabulary (no merges), so that every
 * one-letter word is exactly one token and the expected chunks can be counted by hand.
 */
class PromptConditionerTest {
  static final ClipTokenizer TOKENIZER = characterTokenizer();
  static final int X = TOKENIZER.id("x</w>").getAsInt();
  static final int Y = TOKENIZER.id("y</w>").getAsInt();
  static final int COMMA = TOKENIZER.id(",</w>").getAsInt();
  static final int BOS = TOKENIZER.bosId();
  static final int EOS = TOKENIZER.eosId();
  static final int HIDDEN = 3;

  static ClipTokenizer characterTokenizer() {
    Map<String, Integer> v = new LinkedHashMap<>();
    for (char c : byteChars()) {
      v.put(String.valueOf(c), v.size());
    }
    for (char c : byteChars()) {
      v.put(c + "</w>", v.size());
    }
    v.put("<|startoftext|>", v.size());
    v.put("<|endoftext|>", v.size());
    return ClipTokenizer.of(v, List.of());
  }

  private static char[] byteChars() {
    char[] out = new char[256];
    int n = 0;
    for (int b = 0; b < 256; b++) {
      boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE);
      out[b] = printable ? (char) b : (char) (256 + n++);
    }
    return out;
  }

  /** A fake text encoder: a value that depends on token id, position and channel. */
  static final ChunkEncoder FAKE = windows -> {
    float[][] out = new float[windows.length][];
    for (int w = 0; w < windows.length; w++) {
      out[w] = new float[77 * HIDDEN];
      for (int p = 0; p < 77; p++) {
        for (int h = 0; h < HIDDEN; h++) {
          out[w][p * HIDDEN + h] = 0.5f + 0.01f * (windows[w][p] % 97) + 0.1f * h + 0.001f * p;
        }
      }
    }
    return out;
  };

  private static String words(String w, int n) {
    return String.join(" ", java.util.Collections.nCopies(n, w));
  }

  private static List<Integer> promptTokens(PromptChunk c) {
    List<Integer> out = new ArrayList<>();
    int[] t = c.tokens();
    assertThat(t[0]).isEqualTo(BOS);
    assertThat(t[76]).isEqualTo(EOS);
    for (int i = 1; i < 76 && t[i] != EOS; i++) {
      out.add(t[i]);
    }
    return out;
  }

  @Test
  void short_prompt_is_one_window_with_weights_per_token() {
    List<PromptChunk> chunks = new PromptChunker(TOKENIZER).chunk("x (y:1.5), [x]");
    assertThat(chunks).hasSize(1);
    assertThat(promptTokens(chunks.get(0))).containsExactly(X, Y, COMMA, X);
    float[] m = chunks.get(0).multipliers();
    assertThat(m[0]).isEqualTo(1f);
    assertThat(m[1]).isEqualTo(1f);
    assertThat(m[2]).isEqualTo(1.5f);
    assertThat(m[3]).isEqualTo(1f);
    assertThat(m[4]).isCloseTo((float) (1 / 1.1), within(1e-7f));
    assertThat(m[5]).isEqualTo(1f);
  }

  @Test
  void long_prompt_without_commas_splits_at_75_tokens() {
    PromptChunker chunker = new PromptChunker(TOKENIZER);
    List<PromptChunk> chunks = chunker.chunk(words("x", 80));
    assertThat(chunks).hasSize(2);
    assertThat(promptTokens(chunks.get(0))).hasSize(75);
    assertThat(promptTokens(chunks.get(1))).hasSize(5);
    assertThat(chunker.tokenCount(words("x", 80))).isEqualTo(80);
  }

  @Test
  void full_window_moves_the_words_after_a_recent_comma_to_the_next_window() {
    // 70 x, a comma at index 70, then 10 y: the window fills with 4 y; the 5th y finds the comma
    // 5 tokens back (<= 20), so the 4 y after it move to the next window with the remaining 6
    List<PromptChunk> chunks = new PromptChunker(TOKENIZER).chunk(words("x", 70) + ", " + words("y", 10));
    assertThat(chunks).hasSize(2);
    List<Integer> first = promptTokens(chunks.get(0));
    assertThat(first).hasSize(71).endsWith(COMMA);
    assertThat(promptTokens(chunks.get(1))).hasSize(10).containsOnly(Y);
  }

  @Test
  void a_comma_further_back_than_20_tokens_does_not_move_words() {
    List<PromptChunk> chunks = new PromptChunker(TOKENIZER).chunk(words("x", 10) + ", " + words("y", 70));
    assertThat(promptTokens(chunks.get(0))).hasSize(75);
    assertThat(promptTokens(chunks.get(1))).hasSize(6).containsOnly(Y);
  }

  @Test
  void break_starts_a_new_window_and_counts_a_full_one() {
    PromptChunker chunker = new PromptChunker(TOKENIZER);
    List<PromptChunk> chunks = chunker.chunk("x x BREAK y");
    assertThat(chunks).hasSize(2);
    assertThat(promptTokens(chunks.get(0))).containsExactly(X, X);
    assertThat(promptTokens(chunks.get(1))).containsExactly(Y);
    assertThat(chunker.tokenCount("x x BREAK y")).isEqualTo(76);
  }

  @Test
  void empty_prompt_is_one_window_of_padding() {
    List<PromptChunk> chunks = new PromptChunker(TOKENIZER).chunk("");
    assertThat(chunks).hasSize(1);
    assertThat(promptTokens(chunks.get(0))).isEmpty();
    assertThat(chunks.get(0).unweighted()).isTrue();
  }

  @Test
  void emphasis_scales_tokens_and_restores_the_window_mean() {
    PromptConditioner conditioner = new PromptConditioner(TOKENIZER, FAKE);
    PromptEmbedding plain = conditioner.embed("x y x");
    PromptEmbedding weighted = conditioner.embed("x (y:2) x");
    assertThat(weighted.tokens()).isEqualTo(77);
    assertThat(weighted.hidden()).isEqualTo(HIDDEN);

    float[] z = plain.values();
    double sum = 0;
    double sumWeighted = 0;
    for (int i = 0; i < z.length; i++) {
      sum += z[i];
      sumWeighted += z[i] * (i / HIDDEN == 2 ? 2.0 : 1.0);
    }
    double ratio = sum / sumWeighted;
    for (int p = 0; p < 77; p++) {
      for (int h = 0; h < HIDDEN; h++) {
        double w = p == 2 ? 2.0 : 1.0;
        assertThat((double) weighted.get(p, h)).isCloseTo(plain.get(p, h) * w * ratio, within(1e-5));
      }
    }
    double mean = 0;
    for (float v : weighted.values()) {
      mean += v;
    }
    assertThat(mean / z.length).isCloseTo(sum / z.length, within(1e-5));
    assertThat(ratio).isLessThan(1.0);
  }

  @Test
  void negative_prompt_is_padded_with_empty_windows_to_the_prompts_length() {
    PromptConditioner conditioner = new PromptConditioner(TOKENIZER, FAKE);
    Conditioning c = conditioner.condition(words("x", 100), "y");
    assertThat(c.positive().tokens()).isEqualTo(154);
    assertThat(c.negative().tokens()).isEqualTo(154);
    PromptEmbedding empty = conditioner.embed("");
    PromptEmbedding negOnly = conditioner.embed("y");
    for (int p = 0; p < 77; p++) {
      for (int h = 0; h < HIDDEN; h++) {
        assertThat(c.negative().get(p, h)).isEqualTo(negOnly.get(p, h));
        assertThat(c.negative().get(77 + p, h)).isEqualTo(empty.get(p, h));
      }
    }
    // and the other way round
    Conditioning d = conditioner.condition("x", words("y", 100));
    assertThat(d.positive().tokens()).isEqualTo(154);
  }
}
