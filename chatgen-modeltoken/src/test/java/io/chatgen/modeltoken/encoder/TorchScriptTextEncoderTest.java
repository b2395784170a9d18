package io.chatgen.modeltoken.encoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.chatgen.core.ModelLoadException;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Runs the tiny traced encoder of {@code tiny/} (made by {@code tiny/make_tiny_encoder.py} with
 * PyTorch 1.13) and compares token ids and embeddings with the values Python computed.
 */
class TorchScriptTextEncoderTest {
  private static Path fixture(String name) throws URISyntaxException {
    return Path.of(TorchScriptTextEncoderTest.class.getResource("tiny/" + name).toURI());
  }

  @Test
  void tokenizes_and_embeds_like_the_python_reference_offline() throws Exception {
    assertThat(System.getProperty("ai.djl.offline")).isEqualTo("true");
    JsonElement expected = JsonParser.parseString(Files.readString(fixture("expected.json")));
    try (TorchScriptTextEncoder enc = TorchScriptTextEncoder.builder().optModelPath(fixture("tiny.pt"))
        .optTokenizerPath(fixture("tokenizer.json")).optNormalize(false).build()) {
      assertThat(enc.dimension()).isEqualTo(6);
      assertThat(enc.id()).startsWith("torchscript:tiny.pt:");
      for (JsonElement e : expected.getAsJsonArray()) {
        JsonObject o = e.getAsJsonObject();
        String text = o.get("text").getAsString();
        long[] ids = o.getAsJsonArray("ids").asList().stream().mapToLong(JsonElement::getAsLong).toArray();
        assertThat(enc.tokenIds(text)).as(text).containsExactly(ids);
        float[] got = enc.encode(text);
        var want = o.getAsJsonArray("embedding");
        for (int k = 0; k < 6; k++) {
          assertThat(got[k]).as(text + "[" + k + "]").isCloseTo(want.get(k).getAsFloat(),
              org.assertj.core.data.Offset.offset(1e-5f));
        }
      }
      // a batch pads to the longest text; the masked mean must not change the short one
      List<float[]> batch = enc.encode(List.of("a zebra", "A red cat on the moon"));
      float[] single = enc.encode("a zebra");
      for (int k = 0; k < 6; k++) {
        assertThat(batch.get(0)[k]).isCloseTo(single[k], org.assertj.core.data.Offset.offset(1e-6f));
      }
    }
  }

  @Test
  void normalised_by_default() throws Exception {
    try (TorchScriptTextEncoder enc = TorchScriptTextEncoder.builder().optModelPath(fixture("tiny.pt"))
        .optTokenizerPath(fixture("tokenizer.json")).build()) {
      float[] v = enc.encode("red cat");
      double n = 0;
      for (float x : v) {
        n += x * x;
      }
      assertThat(n).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
    }
  }

  @Test
  void missing_or_wrong_files_are_clear_errors(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    assertThatThrownBy(() -> TorchScriptTextEncoder.builder().optModelPath(dir.resolve("none.pt"))
        .optTokenizerPath(fixture("tokenizer.json")).build()).isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("does not exist");
    Path bogus = dir.resolve("bogus.pt");
    Files.writeString(bogus, "not a model");
    assertThatThrownBy(() -> TorchScriptTextEncoder.builder().optModelPath(bogus)
        .optTokenizerPath(fixture("tokenizer.json")).build()).isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("bogus.pt");
  }
}
