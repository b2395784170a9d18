package io.chatgen.core.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class KnnVoteTest {
  private static final List<String> DOCS = List.of("red fox forest", "red fox snow", "blue whale ocean",
      "blue ocean waves", "red fox ocean");
  private static final long[] MODELS = {1, 1, 2, 2, 3};
  private final TfIdf tfidf = TfIdf.fit(DOCS, 1, false, s -> s);
  private final KnnVote knn = KnnVote.of(DOCS.stream().map(tfidf::transform).toList(), MODELS);

  @Test
  void sumsTheSimilarityOfTheNearestDocumentsPerLabel() {
    SparseVector q = tfidf.transform("red fox");
    var vote = knn.vote(q, 3);
    assertThat(vote.keySet()).containsExactly(1L, 3L);
    double expected1 = q.dot(tfidf.transform(DOCS.get(0))) + q.dot(tfidf.transform(DOCS.get(1)));
    assertThat(vote.get(1L)).isCloseTo(expected1, within(1e-6));
    assertThat(knn.ranked(q, 3, 1)).containsExactly(1L);
  }

  @Test
  void onlyTheKNearestVote() {
    // "ocean" is nearest to the two whale documents; with k = 1 only the nearest of them votes
    var vote = knn.vote(tfidf.transform("blue whale ocean"), 1);
    assertThat(vote.keySet()).containsExactly(2L);
  }

  @Test
  void leaveOneOutSkipsTheDocumentButStillUsesKNeighbours() {
    SparseVector q = tfidf.transform(DOCS.get(4));
    assertThat(knn.vote(q, 1).keySet()).containsExactly(3L);
    var without = knn.vote(q, 1, 4);
    assertThat(without).hasSize(1).doesNotContainKey(3L);
  }

  @Test
  void aQuerySharingNoWordGetsAnEmptyVote() {
    assertThat(knn.vote(tfidf.transform("purple elephant"), 10)).isEmpty();
    assertThat(knn.ranked(tfidf.transform("purple elephant"), 10, 5)).isEmpty();
  }

  @Test
  void mismatchedLabelsAreRejected() {
    assertThatThrownBy(() -> KnnVote.of(List.of(tfidf.transform("red")), new long[] {1, 2}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 vectors but 2 labels");
  }
}
