package io.chatgen.diffusion.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatgen.core.InvalidRequestException;
import io.chatgen.core.ModelLoadException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A synthetic vocabulary laid out as CLIP's (256 byte symbols, the same with {@code </w>}, one entry
 * per merge, then the two special tokens) with a handful of merges whose results are worked out by
 * hand in each test.
 */
class ClipTokenizerTest {
  static final List<String> MERGES = List.of(
      "h e",          // 0
      "l l",          // 1
      "ll o</w>",     // 2
      "he llo</w>",   // 3
      "w o",          // 4
      "r l",          // 5
      "rl d</w>",     // 6
      "c a",          // 7
      "ca t</w>",     // 8
      "o n",          // 9
      "d on");        // 10

  static Map<String, Integer> vocab() {
    Map<String, Integer> v = new LinkedHashMap<>();
    char[] bytes = ClipTokenizer.byteEncoder();
    for (char c : bytes) {
      v.put(String.valueOf(c), v.size());
    }
    for (char c : bytes) {
      v.put(c + "</w>", v.size());
    }
    for (String m : MERGES) {
      v.put(m.replace(" ", ""), v.size());
    }
    v.put("<|startoftext|>", v.size());
    v.put("<|endoftext|>", v.size());
    return v;
  }

  static ClipTokenizer tokenizer() {
    return ClipTokenizer.of(vocab(), MERGES);
  }

  private static int id(String token) {
    return vocab().get(token);
  }

  @Test
  void merges_apply_in_rank_order_and_mark_word_ends() {
    // hello: h e l l o</w> -> he l l o</w> -> he ll o</w> -> he llo</w> -> hello</w>
    // world: w o r l d</w> -> wo r l d</w> -> wo rl d</w> -> wo rld</w>; no rank for "wo rld</w>"
    assertThat(tokenizer().pieces("hello world")).containsExactly("hello</w>", "wo", "rld</w>");
    assertThat(tokenizer().encode("hello world"))
        .containsExactly(id("hello</w>"), id("wo"), id("rld</w>"));
  }

  @Test
  void cleans_case_whitespace_and_html_entities_like_clip() {
    assertThat(tokenizer().pieces("  HeLLo \n\t  CAT &amp; "))
        .containsExactly("hello</w>", "cat</w>", "&</w>");
    assertThat(ClipTokenizer.clean("A\u00a0 b&#44;c")).isEqualTo("a b,c");
  }

  @Test
  void splits_digits_punctuation_and_contractions_with_clips_pattern() {
    // digits one by one; "!!" is one punctuation run (no merge for "! !</w>");
    // "don't": letters "don" (d o n</w>: no "o n</w>" merge... "o n" has rank 9 but n is n</w>) then "'t"
    assertThat(tokenizer().pieces("cat 42!! don't,"))
        .containsExactly("cat</w>", "4</w>", "2</w>", "!", "!</w>", "d", "o", "n</w>", "'", "t</w>", ",</w>");
    // "done": d o n e</w> -> d on e</w> (rank 9) -> don e</w> (rank 10)
    assertThat(tokenizer().pieces("done")).containsExactly("don", "e</w>");
  }

  @Test
  void non_ascii_text_goes_through_the_byte_encoder() {
    // é is UTF-8 C3 A9; both bytes are printable in CLIP's byte map (Ã, ©)
    assertThat(tokenizer().pieces("é")).containsExactly("\u00c3", "\u00a9</w>");
    // a space byte (0x20) is not printable: it maps to U+0100 + its rank among non-printables
    assertThat(ClipTokenizer.byteEncoder()[' ']).isEqualTo((char) 0x120);
    assertThat(ClipTokenizer.byteEncoder()['a']).isEqualTo('a');
  }

  @Test
  void special_tokens_come_from_the_vocabulary_and_windows_pad_with_eos() {
    ClipTokenizer t = tokenizer();
    assertThat(t.bosId()).isEqualTo(512 + MERGES.size());
    assertThat(t.eosId()).isEqualTo(t.bosId() + 1);
    int[] window = t.encodeWindow("hello cat");
    assertThat(window).hasSize(77);
    assertThat(window[0]).isEqualTo(t.bosId());
    assertThat(window[1]).isEqualTo(id("hello</w>"));
    assertThat(window[2]).isEqualTo(id("cat</w>"));
    for (int i = 3; i < 77; i++) {
      assertThat(window[i]).isEqualTo(t.eosId());
    }
    // special tokens written in the text are recognised whole
    assertThat(t.encode("<|endoftext|>")).containsExactly(t.eosId());
  }

  @Test
  void windows_truncate_long_text_to_75_tokens() {
    int[] window = tokenizer().encodeWindow("cat ".repeat(100));
    assertThat(window[75]).isEqualTo(id("cat</w>"));
    assertThat(window[76]).isEqualTo(tokenizer().eosId());
  }

  @Test
  void loads_vocab_json_and_merges_txt_skipping_the_version_header(@TempDir Path dir) throws IOException {
    StringBuilder json = new StringBuilder("{");
    for (Map.Entry<String, Integer> e : vocab().entrySet()) {
      if (json.length() > 1) {
        json.append(',');
      }
      json.append(new com.google.gson.Gson().toJson(e.getKey())).append(':').append(e.getValue());
    }
    json.append('}');
    Files.writeString(dir.resolve("vocab.json"), json, StandardCharsets.UTF_8);
    List<String> lines = new ArrayList<>();
    lines.add("#version: 0.2");
    lines.addAll(MERGES);
    Files.write(dir.resolve("merges.txt"), lines, StandardCharsets.UTF_8);

    ClipTokenizer t = ClipTokenizer.load(dir);

    assertThat(t.encode("hello world")).containsExactly(tokenizer().encode("hello world"));
    assertThat(t.vocabSize()).isEqualTo(vocab().size());
  }

  @Test
  void missing_or_malformed_files_are_typed_errors(@TempDir Path dir) throws IOException {
    assertThatThrownBy(() -> ClipTokenizer.load(dir))
        .isInstanceOf(ModelLoadException.class).hasMessageContaining("vocab.json");
    Files.writeString(dir.resolve("vocab.json"), "[1,2]");
    Files.writeString(dir.resolve("merges.txt"), "#version: 0.2\n");
    assertThatThrownBy(() -> ClipTokenizer.load(dir))
        .isInstanceOf(ModelLoadException.class).hasMessageContaining("JSON object");
    Files.writeString(dir.resolve("vocab.json"), "{\"a\": 0}");
    assertThatThrownBy(() -> ClipTokenizer.load(dir))
        .isInstanceOf(ModelLoadException.class).hasMessageContaining("<|startoftext|>");
    assertThatThrownBy(() -> ClipTokenizer.of(vocab(), List.of("abc")))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("abc");
  }
}
