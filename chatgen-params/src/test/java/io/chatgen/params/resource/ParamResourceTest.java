package io.chatgen.params.resource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatgen.core.DataFormatException;
import io.chatgen.core.Sampler;
import io.chatgen.params.Fixtures;
import io.chatgen.params.doc.Range;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ParamResourceTest {
  @Test
  void round_trips_parameters_features_and_documentation_without_text() throws IOException {
    ParamResource r = Fixtures.resource();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    r.write(out);
    ParamResource back = ParamResource.read(new ByteArrayInputStream(out.toByteArray()), "test");
    assertThat(back.demos()).hasSize(r.demos().size());
    DemoRecord a = r.demosOf(1).get(0);
    DemoRecord b = back.demosOf(1).get(0);
    assertThat(b.imageId()).isEqualTo(a.imageId());
    assertThat(b.sampler()).isEqualTo(Sampler.EULER_A);
    assertThat(b.steps()).isEqualTo(30);
    assertThat(b.width()).isEqualTo(768);
    assertThat(b.clipSkip()).isEqualTo(2);
    assertThat(back.demosOf(1).get(5).clipSkip()).isNull();
    assertThat(a.prompt()).isNotNull();
    assertThat(b.prompt()).as("prompt texts are never written").isNull();
    // int8 quantisation keeps cosine similarities within 0.02
    assertThat(b.features().indices()).isEqualTo(a.features().indices());
    assertThat(Math.abs(b.features().dot(b.features()) - 1)).isLessThan(0.02);
    ModelFactsAssert.docOf(back, 1);
    assertThat(back.facts(1).orElseThrow().documentation().steps()).isEqualTo(Range.of(30));
    assertThat(back.facts(1).orElseThrow().documentation().samplers()).containsExactly(Sampler.EULER_A);
    assertThat(back.facts(1).orElseThrow().creator()).isEqualTo("alice");
    String bytes = new String(decompress(out.toByteArray()), java.nio.charset.StandardCharsets.ISO_8859_1);
    assertThat(bytes).doesNotContain("castle").doesNotContain("A mix for scenery");
  }

  @Test
  void a_damaged_or_foreign_file_is_a_clear_error() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Fixtures.resource().write(out);
    byte[] full = out.toByteArray();
    byte[] cut = Arrays.copyOf(full, full.length / 2);
    assertThatThrownBy(() -> ParamResource.read(new ByteArrayInputStream(cut), "cut.bin"))
        .isInstanceOf(DataFormatException.class).hasMessageContaining("cut.bin");
    assertThatThrownBy(() -> ParamResource.read(new ByteArrayInputStream("hello".getBytes()), "text.txt"))
        .isInstanceOf(DataFormatException.class).hasMessageContaining("text.txt");
  }

  @Test
  void leaving_demonstrations_out_removes_them() {
    ParamResource r = Fixtures.resource().without(Set.of(101L, 102L));
    assertThat(r.demosOf(1)).extracting(DemoRecord::imageId).doesNotContain(101L, 102L).hasSize(4);
  }

  @Test
  void similar_models_are_the_same_creators_and_shared_tags_alone_do_not_count() {
    var bobs = new io.chatgen.core.ModelCard(50, 501, "Other", io.chatgen.core.BaseArchitecture.SD_1, "SD 1.5",
        java.util.List.of("landscape"), java.util.List.of(), "", java.util.List.of(), false, "Bob");
    assertThat(Fixtures.resource().similarModels(bobs, 5)).extracting(s -> s.facts().id()).containsExactly(2L);
    var strangers = new io.chatgen.core.ModelCard(51, 511, "Stranger", io.chatgen.core.BaseArchitecture.SD_1,
        "SD 1.5", java.util.List.of("anime", "girl"), java.util.List.of(), "", java.util.List.of(), false, "carol");
    assertThat(Fixtures.resource().similarModels(strangers, 5)).isEmpty();
  }

  private static byte[] decompress(byte[] gz) throws IOException {
    try (var in = new java.util.zip.GZIPInputStream(new ByteArrayInputStream(gz))) {
      return in.readAllBytes();
    }
  }

  /** Tiny helper so the documentation assertion reads as a sentence. */
  private static final class ModelFactsAssert {
    static void docOf(ParamResource r, long id) {
      assertThat(r.facts(id)).isPresent();
    }
  }
}
