package io.chatgen.diffusion.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * Compares the Java tokenizer with OpenAI CLIP's reference tokenizer on CLIP's real vocabulary:
 * the ids in clip_reference_ids.json were produced by make_clip_fixtures.py (next to it). The
 * vocabulary file is not shipped; the test runs when bpe_simple_vocab_16e6.txt.gz is at
 * {@code -Dchatgen.clip.bpe} (default /tmp/ref/clip/bpe_simple_vocab_16e6.txt.gz) and is skipped
 * otherwise.
 */
class ClipTokenizerReferenceTest {
  @Test
  void matches_openai_clip_on_its_real_vocabulary() throws IOException {
    Path bpe = Path.of(System.getProperty("chatgen.clip.bpe", "/tmp/ref/clip/bpe_simple_vocab_16e6.txt.gz"));
    assumeThat(Files.isRegularFile(bpe)).as("CLIP's BPE file at " + bpe + " (set -Dchatgen.clip.bpe)").isTrue();
    ClipTokenizer tokenizer = fromClipBpe(bpe);
    assertThat(tokenizer.bosId()).isEqualTo(49406);
    assertThat(tokenizer.eosId()).isEqualTo(49407);
    assertThat(tokenizer.vocabSize()).isEqualTo(49408);

    JsonObject fixture;
    try (InputStream in = getClass().getResourceAsStream("clip_reference_ids.json")) {
      fixture = JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
    }
    int cases = 0;
    for (JsonElement e : fixture.getAsJsonArray("cases")) {
      JsonObject c = e.getAsJsonObject();
      int[] expected = c.getAsJsonArray("ids").asList().stream().mapToInt(JsonElement::getAsInt).toArray();
      assertThat(tokenizer.encode(c.get("text").getAsString())).as(c.get("text").getAsString())
          .containsExactly(expected);
      cases++;
    }
    assertThat(cases).isGreaterThanOrEqualTo(10);
    assertThat(tokenizer.encode("a photo of a cat")).containsExactly(320, 1125, 539, 320, 2368);
  }

  /** The vocabulary as CLIP's SimpleTokenizer builds it from the merges file (and HF's vocab.json holds). */
  static ClipTokenizer fromClipBpe(Path gz) throws IOException {
    String text;
    try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    List<String> lines = Arrays.asList(text.split("\n", -1));
    List<String> merges = new ArrayList<>(lines.subList(1, 49152 - 256 - 2 + 1));
    char[] byteChars = ClipTokenizer.byteEncoder();
    List<String> vocab = new ArrayList<>();
    // CLIP lists the printable bytes first, then the others, in its bytes_to_unicode order
    for (int pass = 0; pass < 2; pass++) {
      for (int b = 0; b < 256; b++) {
        boolean printable = byteChars[b] == (char) b;
        if (printable == (pass == 0)) {
          vocab.add(String.valueOf(byteChars[b]));
        }
      }
    }
    int base = vocab.size();
    for (int i = 0; i < base; i++) {
      vocab.add(vocab.get(i) + "</w>");
    }
    for (String m : merges) {
      vocab.add(m.replace(" ", ""));
    }
    vocab.add("<|startoftext|>");
    vocab.add("<|endoftext|>");
    Map<String, Integer> ids = new HashMap<>();
    for (int i = 0; i < vocab.size(); i++) {
      ids.put(vocab.get(i), i);
    }
    return ClipTokenizer.of(ids, merges);
  }
}
