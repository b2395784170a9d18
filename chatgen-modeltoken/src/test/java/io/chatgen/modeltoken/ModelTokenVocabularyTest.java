package io.chatgen.modeltoken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatgen.core.DataFormatException;
import io.chatgen.core.InvalidRequestException;
import io.chatgen.core.ModelCard;
import io.chatgen.core.ModelLoadException;
import io.chatgen.core.stage.TextEncoder;
import io.chatgen.modeltoken.encoder.HashedTextEncoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelTokenVocabularyTest {
  @TempDir Path dir;

  private static ModelTokenVocabulary vocabulary(HashedTextEncoder enc) {
    SplittableRandom r = new SplittableRandom(1);
    List<float[]> rows = new ArrayList<>();
    for (int i = 0; i < Fixtures.cards().size(); i++) {
      float[] row = new float[enc.dimension()];
      for (int k = 0; k < row.length; k++) {
        row[k] = (float) r.nextGaussian();
      }
      rows.add(row);
    }
    return ModelTokenVocabulary.of(Fixtures.cards(), rows,
        new VocabularyProvenance(enc.id(), enc.dimension(), "abc", 7, 1, "test"), Calibration.defaults());
  }

  @Test
  void round_trip_keeps_every_bit_and_the_provenance() {
    HashedTextEncoder enc = Fixtures.encoder();
    ModelTokenVocabulary v = vocabulary(enc);
    Path f = dir.resolve("v.bin");
    v.save(f);
    ModelTokenVocabulary back = ModelTokenVocabulary.load(f, enc);
    assertThat(back.matrix()).isEqualTo(v.matrix());
    assertThat(back.provenance()).isEqualTo(v.provenance());
    assertThat(back.calibration()).isEqualTo(v.calibration());
    assertThat(back.cards()).extracting(ModelCard::id).containsExactly(1L, 2L, 3L, 4L);
    Calibration tuned = new Calibration(0.7, 2.0, 30, 0.03, 4.0, 0.25, 0.3);
    Path g = dir.resolve("tuned.bin");
    v.withCalibration(tuned).save(g);
    assertThat(ModelTokenVocabulary.load(g, enc).calibration()).isEqualTo(tuned);
    assertThat(back.byModelId(4).orElseThrow().nsfwTagged()).isTrue();
    assertThat(back.indexOf(3)).hasValue(2);
  }

  @Test
  void int8_files_are_close_to_the_original_weights() {
    HashedTextEncoder enc = Fixtures.encoder();
    ModelTokenVocabulary v = vocabulary(enc);
    Path f = dir.resolve("v8.bin");
    v.save(f, ModelTokenVocabulary.Precision.INT8);
    float[] a = v.matrix();
    float[] b = ModelTokenVocabulary.load(f, enc).matrix();
    for (int i = 0; i < a.length; i++) {
      assertThat(b[i]).isCloseTo(a[i], org.assertj.core.data.Offset.offset(0.05f));
    }
  }

  @Test
  void saved_cards_carry_no_description() {
    HashedTextEncoder enc = Fixtures.encoder();
    ModelCard c = new ModelCard(9, 90, "Described", io.chatgen.core.BaseArchitecture.SD_1, "SD 1.5", List.of(),
        List.of("trig"), "a long secret description", List.of(), false, "someone");
    ModelTokenVocabulary v = ModelTokenVocabulary.of(List.of(c), List.of(new float[enc.dimension()]),
        new VocabularyProvenance(enc.id(), enc.dimension(), "abc", 7, 1, ""), Calibration.defaults());
    Path f = dir.resolve("d.bin");
    v.save(f);
    assertThat(ModelTokenVocabulary.load(f).card(0).description()).isEmpty();
    assertThat(ModelTokenVocabulary.load(f).card(0).triggerWords()).containsExactly("trig");
  }

  @Test
  void loading_with_another_encoder_is_a_clear_error() {
    HashedTextEncoder enc = Fixtures.encoder();
    Path f = dir.resolve("v.bin");
    vocabulary(enc).save(f);
    HashedTextEncoder other = HashedTextEncoder.fit(List.of("something else"), 64, 1, "other-data");
    assertThatThrownBy(() -> ModelTokenVocabulary.load(f, other)).isInstanceOf(ModelLoadException.class)
        .hasMessageContaining(enc.id()).hasMessageContaining(other.id());
  }

  @Test
  void loading_with_an_encoder_of_another_dimension_is_a_clear_error() {
    HashedTextEncoder enc = Fixtures.encoder();
    Path f = dir.resolve("v.bin");
    vocabulary(enc).save(f);
    TextEncoder sameIdWider = new TextEncoder() {
      @Override
      public List<float[]> encode(List<String> texts) {
        return texts.stream().map(t -> new float[128]).toList();
      }

      @Override
      public String id() {
        return enc.id();
      }
    };
    assertThatThrownBy(() -> ModelTokenVocabulary.load(f, sameIdWider)).isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("dimension 64").hasMessageContaining("dimension 128");
  }

  @Test
  void duplicate_tokens_are_refused() {
    HashedTextEncoder enc = Fixtures.encoder();
    List<ModelCard> cards = List.of(Fixtures.cards().get(0), Fixtures.cards().get(0));
    assertThatThrownBy(() -> ModelTokenVocabulary.of(cards, List.of(new float[64], new float[64]),
        new VocabularyProvenance(enc.id(), 64, "x", 1, 1, ""), Calibration.defaults()))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("duplicate token");
  }

  @Test
  void rows_of_the_wrong_length_are_refused() {
    HashedTextEncoder enc = Fixtures.encoder();
    assertThatThrownBy(() -> ModelTokenVocabulary.of(List.of(Fixtures.cards().get(0)), List.of(new float[63]),
        new VocabularyProvenance(enc.id(), 64, "x", 1, 1, ""), Calibration.defaults()))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("63");
  }

  @Test
  void a_corrupted_file_is_refused() throws IOException {
    HashedTextEncoder enc = Fixtures.encoder();
    Path f = dir.resolve("v.bin");
    vocabulary(enc).save(f);
    byte[] b = Files.readAllBytes(f);
    b[b.length / 2] ^= 0x55;
    Files.write(f, b);
    assertThatThrownBy(() -> ModelTokenVocabulary.load(f, enc)).isInstanceOf(DataFormatException.class)
        .hasMessageContaining("corrupt");
  }

  @Test
  void a_truncated_or_foreign_file_is_refused() throws IOException {
    HashedTextEncoder enc = Fixtures.encoder();
    Path f = dir.resolve("v.bin");
    vocabulary(enc).save(f);
    byte[] b = Files.readAllBytes(f);
    Files.write(f, java.util.Arrays.copyOf(b, b.length - 100));
    assertThatThrownBy(() -> ModelTokenVocabulary.load(f)).isInstanceOf(DataFormatException.class);
    Files.writeString(f, "{\"not\": \"a vocabulary\"}");
    assertThatThrownBy(() -> ModelTokenVocabulary.load(f)).isInstanceOf(DataFormatException.class)
        .hasMessageContaining("not a CGMT artifact");
  }

  @Test
  void a_failed_save_leaves_the_old_file_and_no_temporary_file() throws IOException {
    HashedTextEncoder enc = Fixtures.encoder();
    ModelTokenVocabulary v = vocabulary(enc);
    Path f = dir.resolve("v.bin");
    v.save(f);
    byte[] before = Files.readAllBytes(f);
    Path blocked = dir.resolve("file-not-folder");
    Files.writeString(blocked, "x");
    assertThatThrownBy(() -> v.save(blocked.resolve("v.bin"))).isInstanceOf(ModelLoadException.class);
    assertThat(Files.readAllBytes(f)).isEqualTo(before);
    try (var s = Files.list(dir)) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("v.bin", "file-not-folder");
    }
  }
}
