package io.chatgen.core.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SparseIndexTest {
  private static SparseVector random(SplittableRandom rnd, int features, int vocabulary) {
    TreeMap<Integer, Float> v = new TreeMap<>();
    while (v.size() < features) {
      v.put(rnd.nextInt(vocabulary), (float) rnd.nextDouble());
    }
    return new SparseVector(v.keySet().stream().mapToInt(Integer::intValue).toArray(), toFloats(v.values()));
  }

  private static float[] toFloats(java.util.Collection<Float> values) {
    float[] out = new float[values.size()];
    int i = 0;
    for (float f : values) {
      out[i++] = f;
    }
    return out;
  }

  private static double dot(SparseVector a, SparseVector b) {
    double s = 0;
    for (int i = 0; i < a.size(); i++) {
      for (int j = 0; j < b.size(); j++) {
        if (a.indices()[i] == b.indices()[j]) {
          s += (double) a.values()[i] * b.values()[j];
        }
      }
    }
    return s;
  }

  @Test
  void the_nearest_documents_are_those_a_full_scan_finds() {
    SplittableRandom rnd = new SplittableRandom(3);
    List<SparseVector> docs = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      docs.add(random(rnd, 1 + rnd.nextInt(8), 60));
    }
    SparseIndex index = SparseIndex.of(docs);
    assertThat(index.size()).isEqualTo(300);
    for (int q = 0; q < 20; q++) {
      SparseVector query = random(rnd, 1 + rnd.nextInt(5), 80);
      double[] scores = index.scores(query);
      for (int d = 0; d < docs.size(); d++) {
        assertThat(scores[d]).isCloseTo(dot(query, docs.get(d)), within(1e-9));
      }
      for (int k : new int[] {1, 5, 400}) {
        List<Integer> expected = IntStream.range(0, docs.size()).filter(d -> scores[d] > 0).boxed()
            .sorted(Comparator.comparingDouble((Integer d) -> -scores[d]).thenComparing(d -> d)).limit(k).toList();
        SparseIndex.Hits hits = index.nearest(query, k);
        assertThat(IntStream.of(hits.docs()).boxed().toList()).as("query %d, k %d", q, k).isEqualTo(expected);
        for (int h = 0; h < hits.size(); h++) {
          assertThat(hits.scores()[h]).isEqualTo(scores[hits.docs()[h]]);
        }
        // the nearest among the even documents, not the even ones among the nearest
        List<Integer> expectedEven = IntStream.range(0, docs.size()).filter(d -> d % 2 == 0 && scores[d] > 0).boxed()
            .sorted(Comparator.comparingDouble((Integer d) -> -scores[d]).thenComparing(d -> d)).limit(k).toList();
        assertThat(IntStream.of(index.nearest(query, k, d -> d % 2 == 0).docs()).boxed().toList())
            .as("query %d, k %d, even documents", q, k).isEqualTo(expectedEven);
      }
    }
  }

  @Test
  void ties_go_to_the_earlier_document_and_nothing_shared_finds_nothing() {
    SparseVector a = new SparseVector(new int[] {1, 2}, new float[] {0.6f, 0.8f});
    SparseVector b = new SparseVector(new int[] {7}, new float[] {1f});
    SparseIndex index = SparseIndex.of(List.of(b, a, a));
    SparseIndex.Hits hits = index.nearest(new SparseVector(new int[] {2}, new float[] {1f}), 5);
    assertThat(hits.docs()).containsExactly(1, 2);
    assertThat(index.nearest(new SparseVector(new int[] {3}, new float[] {1f}), 5).size()).isZero();
    assertThat(index.nearest(SparseVector.EMPTY, 5).size()).isZero();
    assertThat(SparseIndex.of(List.of()).nearest(a, 3).size()).isZero();
  }

  @Test
  void bad_arguments_are_refused() {
    SparseIndex index = SparseIndex.of(List.of(SparseVector.EMPTY));
    assertThatThrownBy(() -> index.nearest(SparseVector.EMPTY, 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("k must be >= 1");
    assertThatThrownBy(() -> SparseIndex.of(new int[] {0, 2}, new int[] {1}, new float[] {1f}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("disagree");
    assertThatThrownBy(() -> SparseIndex.of(new int[] {0, 1}, new int[] {-4}, new float[] {1f}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("negative feature id -4");
  }
}
