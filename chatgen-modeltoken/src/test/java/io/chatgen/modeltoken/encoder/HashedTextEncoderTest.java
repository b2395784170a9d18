package io.chatgen.modeltoken.encoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatgen.core.DataFormatException;
import io.chatgen.core.InvalidRequestException;
import io.chatgen.core.text.SparseVector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HashedTextEncoderTest {
  @TempDir Path dir;

  private static final List<String> DOCS = List.of("red cat on a mat", "red dog on a log", "blue cat in the sky");

  @Test
  void features_follow_the_tfidf_formula_over_known_terms_only() {
    HashedTextEncoder e = HashedTextEncoder.fit(DOCS, 32, 1, "h");
    // "cat dog unknownword": idf(cat) = ln(4/3)+1, idf(dog) = ln(4/2)+1, the bigram "cat dog" is unseen
    SparseVector v = e.features("cat dog unknownword");
    assertThat(v.size()).isEqualTo(2);
    double cat = Math.log(4.0 / 3) + 1;
    double dog = Math.log(4.0 / 2) + 1;
    double n = Math.sqrt(cat * cat + dog * dog);
    float[] vals = v.values().clone();
    java.util.Arrays.sort(vals);
    assertThat((double) vals[0]).isCloseTo(cat / n, org.assertj.core.data.Offset.offset(1e-6));
    assertThat((double) vals[1]).isCloseTo(dog / n, org.assertj.core.data.Offset.offset(1e-6));
  }

  @Test
  void minimum_document_frequency_drops_rare_terms() {
    HashedTextEncoder e = HashedTextEncoder.fit(DOCS, 32, 2, "h");
    assertThat(e.features("dog log sky").size()).isZero();
    assertThat(e.features("red cat").size()).isEqualTo(2);
  }

  @Test
  void dense_encodings_are_unit_vectors_and_similar_texts_are_close() {
    HashedTextEncoder e = HashedTextEncoder.fit(DOCS, 256, 1, "h");
    float[] a = e.encode("red cat on a mat");
    float[] b = e.encode("a red cat on the mat");
    float[] c = e.encode("blue sky");
    assertThat(a).hasSize(256);
    assertThat(dot(a, a)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
    assertThat(dot(a, b)).isGreaterThan(dot(a, c));
    assertThat(e.encode("")).containsOnly(0f);
    assertThat(e.dimension()).isEqualTo(256);
  }

  @Test
  void oversized_and_null_texts_are_refused() {
    HashedTextEncoder e = HashedTextEncoder.fit(DOCS, 32, 1, "h");
    assertThatThrownBy(() -> e.encode("x".repeat(1 << 20))).isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("1048576");
    assertThatThrownBy(() -> e.features(null)).isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(() -> HashedTextEncoder.fit(List.of(), 32, 1, "h")).isInstanceOf(InvalidRequestException.class);
  }

  @Test
  void save_and_load_give_the_same_encoder_and_corruption_is_detected() throws IOException {
    HashedTextEncoder e = HashedTextEncoder.fit(DOCS, 64, 1, "datahash123456");
    Path f = dir.resolve("enc.bin");
    e.save(f);
    HashedTextEncoder back = HashedTextEncoder.load(f);
    assertThat(back.id()).isEqualTo(e.id()).contains("d64").contains("datahash1234");
    assertThat(back.encode("red cat")).isEqualTo(e.encode("red cat"));
    byte[] b = Files.readAllBytes(f);
    b[30] ^= 1;
    Files.write(f, b);
    assertThatThrownBy(() -> HashedTextEncoder.load(f)).isInstanceOf(DataFormatException.class);
  }

  @Test
  void the_embedded_encoder_loads_from_the_jar() {
    HashedTextEncoder e = HashedTextEncoder.embedded();
    assertThat(e.dimension()).isEqualTo(1024);
    assertThat(e.knownFeatures()).isGreaterThan(10_000);
    assertThat(e.features("a castle at sunset, highly detailed").size()).isGreaterThan(3);
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }
}
