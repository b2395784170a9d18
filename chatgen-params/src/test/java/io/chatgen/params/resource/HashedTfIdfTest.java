package io.chatgen.params.resource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.chatgen.core.text.SparseVector;
import java.util.List;
import org.junit.jupiter.api.Test;

class HashedTfIdfTest {
  @Test
  void vectors_are_unit_length_and_weigh_words_by_idf_as_worked_by_hand() {
    // 2 documents; "cat" in both: idf = ln(3/3)+1 = 1; "dog" in one: idf = ln(3/2)+1
    HashedTfIdf v = HashedTfIdf.fit(List.of("cat dog", "cat"));
    SparseVector x = v.transform("cat dog");
    assertThat(x.dot(x)).isCloseTo(1, within(1e-6));
    double dog = Math.log(1.5) + 1;
    double norm = Math.sqrt(1 + dog * dog);
    assertThat(x.dot(v.transform("cat"))).isCloseTo(1 / norm, within(1e-6));
    assertThat(v.transform("zebra").dot(x)).isZero();
  }

  @Test
  void the_hash_is_fixed_by_the_code() {
    // buckets must not change between JVMs or releases: a shipped resource depends on them
    assertThat(HashedTfIdf.bucket("castle")).isEqualTo(HashedTfIdf.bucket("castle"));
    assertThat(HashedTfIdf.bucket("castle")).isBetween(0, HashedTfIdf.BUCKETS - 1);
    assertThat(HashedTfIdf.bucket("castle")).isNotEqualTo(HashedTfIdf.bucket("castles"));
  }
}
