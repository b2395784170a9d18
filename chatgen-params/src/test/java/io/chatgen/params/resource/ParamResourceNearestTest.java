package io.chatgen.params.resource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatgen.core.text.SparseVector;
import io.chatgen.params.Fixtures;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

class ParamResourceNearestTest {
  private final ParamResource r = Fixtures.resource();

  /** The index must agree with scanning every demonstration. */
  private List<Long> scan(SparseVector q, int k) {
    return r.demos().stream().filter(d -> q.dot(d.features()) > 0)
        .sorted(Comparator.comparingDouble((DemoRecord d) -> -q.dot(d.features()))).limit(k)
        .map(DemoRecord::imageId).toList();
  }

  @Test
  void the_nearest_demonstrations_of_any_model_are_those_a_scan_finds() {
    for (String text : List.of("anime girl smiling", "castle landscape at sunset", "portrait of an old man",
        "mountains", "a girl with a castle and mountains")) {
      SparseVector q = r.vectorizer().transform(text);
      for (int k : new int[] {1, 3, 20}) {
        List<ParamResource.Hit> hits = r.nearest(q, k);
        assertThat(hits.stream().map(h -> h.demo().imageId()).toList()).as(text + " k=" + k).isEqualTo(scan(q, k));
        hits.forEach(h -> assertThat(h.similarity()).isCloseTo(q.dot(h.demo().features()), org.assertj.core.data
            .Offset.offset(1e-6)));
      }
    }
  }

  @Test
  void a_query_sharing_no_word_finds_nothing_and_k_must_be_positive() {
    assertThat(r.nearest(r.vectorizer().transform("zzqx unknownword"), 5)).isEmpty();
    assertThat(r.nearest(SparseVector.EMPTY, 5)).isEmpty();
    assertThatThrownBy(() -> r.nearest(SparseVector.EMPTY, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void a_resource_without_some_demonstrations_never_finds_them() {
    ParamResource less = r.without(java.util.Set.of(202L));
    SparseVector q = r.vectorizer().transform("anime girl smiling, cherry blossoms");
    assertThat(less.nearest(q, 10)).extracting(h -> h.demo().imageId()).doesNotContain(202L).contains(201L);
    // it shares the full resource's index and skips what it left out: the same as scanning what is left,
    // also when leaving out from a resource that already left some out
    ParamResource evenLess = less.without(java.util.Set.of(101L, 104L));
    for (ParamResource x : List.of(less, evenLess)) {
      for (String text : List.of("anime girl smiling", "castle landscape at sunset", "portrait of a woman")) {
        SparseVector v = r.vectorizer().transform(text);
        for (int k : new int[] {1, 2, 20}) {
          List<Long> scanned = x.demos().stream().filter(d -> v.dot(d.features()) > 0)
              .sorted(Comparator.comparingDouble((DemoRecord d) -> -v.dot(d.features()))).limit(k)
              .map(DemoRecord::imageId).toList();
          assertThat(x.nearest(v, k)).extracting(h -> h.demo().imageId()).as(text + " k=" + k).isEqualTo(scanned);
        }
      }
    }
    assertThat(evenLess.demos()).extracting(DemoRecord::imageId).doesNotContain(101L, 104L, 202L);
  }
}
