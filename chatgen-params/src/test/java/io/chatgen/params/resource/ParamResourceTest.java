package io.chatgen.params.resource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatgen.core.DataFormatException;
import io.chatgen.core.Sampler;
import io.chatgen.core.data.Demonstration;
import io.chatgen.params.Fixtures;
import io.chatgen.params.doc.Range;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
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
  void whether_a_demonstration_is_verified_or_hires_round_trips_and_version_1_files_are_all_verified()
      throws IOException {
    List<Demonstration> demos = new java.util.ArrayList<>();
    demos.add(flagged(1, true, true));
    demos.add(flagged(2, false, true));
    demos.add(flagged(3, true, false));
    demos.add(flagged(4, false, false));
    ParamResource r = ParamResource.build(demos, List.of(Fixtures.SCENERY), false);
    assertThat(r.provenance()).contains("4 demonstrations (2 unverified)");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    r.write(out);
    ParamResource back = ParamResource.read(new ByteArrayInputStream(out.toByteArray()), "test");
    assertThat(back.demos()).extracting(DemoRecord::verified).containsExactly(true, true, false, false);
    assertThat(back.demos()).extracting(DemoRecord::hires).containsExactly(true, false, true, false);

    // a version 1 file: the same bytes with version 1 and a boolean "hires" where version 2 has its flags;
    // unverified, not-hires demos have flags 0 = false, so only the version number differs
    ByteArrayOutputStream v2 = new ByteArrayOutputStream();
    ParamResource.build(List.of(flagged(5, false, false)), List.of(Fixtures.SCENERY), false).write(v2);
    byte[] raw = decompress(v2.toByteArray());
    assertThat(raw[7]).isEqualTo((byte) 2);
    raw[7] = 1;
    ByteArrayOutputStream v1 = new ByteArrayOutputStream();
    try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(v1)) {
      gz.write(raw);
    }
    DemoRecord old = ParamResource.read(new ByteArrayInputStream(v1.toByteArray()), "v1.bin").demos().get(0);
    assertThat(old.verified()).isTrue();
    assertThat(old.hires()).isFalse();
    raw[7] = 3;
    ByteArrayOutputStream v3 = new ByteArrayOutputStream();
    try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(v3)) {
      gz.write(raw);
    }
    assertThatThrownBy(() -> ParamResource.read(new ByteArrayInputStream(v3.toByteArray()), "v3.bin"))
        .isInstanceOf(DataFormatException.class).hasMessageContaining("format version 3");
  }

  private static Demonstration flagged(long image, boolean hires, boolean verified) {
    return new Demonstration(image, 1, 11, "a castle on a hill", null, "Euler a", 20, 7.0, 1L, 512, 512, 2, hires,
        verified, verified ? "train" : "unverified");
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
