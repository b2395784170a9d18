package io.chatgen.bench.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.chatgen.core.GenerationParams;
import io.chatgen.core.Param;
import io.chatgen.core.Sampler;
import io.chatgen.core.data.Demonstration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every expected value here was worked out by hand; the arithmetic is in the comments. */
class MetricsTest {

  @Test
  void word_f1_counts_shared_words_ignoring_prompt_syntax() {
    // predicted words: a red car blue sky (5); reference: red car sky sunset (4); shared: red car sky (3)
    // P = 3/5, R = 3/4, F1 = 2PR/(P+R) = 0.9/1.35 = 2/3
    assertThat(WordF1.INSTANCE.similarity("a red car, (blue sky:1.2)", "red car, sky, sunset"))
        .isCloseTo(2.0 / 3, within(1e-12));
  }

  @Test
  void word_f1_clips_repeated_words_to_their_count_in_the_reference() {
    // predicted cat cat dog (3), reference cat dog dog bird (4): shared cat x1, dog x1 = 2
    // P = 2/3, R = 2/4, F1 = 2*2/(3+4) = 4/7
    assertThat(WordF1.INSTANCE.similarity("cat cat dog", "cat dog dog bird")).isCloseTo(4.0 / 7, within(1e-12));
  }

  @Test
  void word_f1_of_empty_texts() {
    assertThat(WordF1.INSTANCE.similarity("", "")).isEqualTo(1.0);
    assertThat(WordF1.INSTANCE.similarity("", "a cat")).isEqualTo(0.0);
    assertThat(WordF1.INSTANCE.similarity("a dog", "a cat")).isCloseTo(0.5, within(1e-12));
  }

  @Test
  void tag_f1_compares_lower_cased_tags_without_weights_or_extra_networks() {
    // predicted tags {masterpiece, best quality, red car}; reference {best quality, masterpiece, blue car}
    // shared 2 of 3 and 2 of 3: F1 = 2/3
    assertThat(TagF1.INSTANCE.similarity("Masterpiece, (best quality:1.2), red  car, <lora:foo:0.8>",
        "best quality, masterpiece, blue car")).isCloseTo(2.0 / 3, within(1e-12));
    assertThat(TagF1.tags("Masterpiece, (best quality:1.2), red  car, <lora:foo:0.8>"))
        .containsExactly("masterpiece", "best quality", "red car");
  }

  @Test
  void tag_f1_counts_a_repeated_tag_once() {
    // predicted {a, b} (a repeated), reference {a, c}: shared 1, P = 1/2, R = 1/2, F1 = 1/2
    assertThat(TagF1.INSTANCE.similarity("a, b, a", "a, c")).isCloseTo(0.5, within(1e-12));
  }

  @Test
  void bert_score_with_one_hot_token_embeddings_is_greedy_matching() {
    // one-hot words: equal words have cosine 1, others 0.
    // predicted a b, reference a c d: P = (1 + 0)/2 = 1/2, R = (1 + 0 + 0)/3 = 1/3, F1 = (1/3)/(5/6) = 0.4
    List<String> vocab = List.of("a", "b", "c", "d");
    BertScore bert = new BertScore("bertScore", text -> {
      List<float[]> out = new ArrayList<>();
      for (String w : text.split(" ")) {
        float[] v = new float[vocab.size()];
        v[vocab.indexOf(w)] = 1;
        out.add(v);
      }
      return out;
    });
    assertThat(bert.similarity("a b", "a c d")).isCloseTo(0.4, within(1e-12));
    assertThat(bert.name()).isEqualTo("bertScore");
  }

  @Test
  void params_are_compared_only_where_the_demonstration_states_them() {
    // stated: sampler (a custom variant of DPM++ 2M Karras), steps 30, cfg 7, 512x768; clip skip not stated
    Demonstration demo = new Demonstration(1, 2, 3, "p", null, "DPM++ 2M Karras v2", 30, 7.0, 1L,
        512, 768, null, false, true, "test");
    GenerationParams predicted = new GenerationParams(Sampler.DPMPP_2M_KARRAS, 30, 7.5, 2, 512, 512, 0, null);
    Map<Param, Boolean> m = ParamMatch.compare(predicted, demo);
    assertThat(m).containsOnlyKeys(Param.SAMPLER, Param.STEPS, Param.CFG_SCALE, Param.WIDTH, Param.HEIGHT);
    assertThat(m).containsEntry(Param.SAMPLER, true).containsEntry(Param.STEPS, true)
        .containsEntry(Param.CFG_SCALE, false).containsEntry(Param.WIDTH, true).containsEntry(Param.HEIGHT, false);
    // 3 of 5 stated parameters right
    assertThat(ParamMatch.accuracy(m)).hasValueSatisfying(a -> assertThat(a).isCloseTo(0.6, within(1e-12)));
  }

  @Test
  void a_demonstration_stating_no_parameter_is_not_scored() {
    Demonstration demo = new Demonstration(1, 2, 3, "p", null, null, null, null, null, null, null, null, null,
        true, "test");
    assertThat(ParamMatch.accuracy(ParamMatch.compare(GenerationParams.defaults(), demo))).isEmpty();
  }

  @Test
  void percentiles_interpolate_between_order_statistics() {
    // sorted 1 2 3 4: p50 at position 1.5 -> 2.5; p95 at 2.85 -> 3 + 0.85 = 3.85
    assertThat(Percentiles.of(List.of(4.0, 1.0, 3.0, 2.0), 50)).isCloseTo(2.5, within(1e-12));
    assertThat(Percentiles.of(List.of(4.0, 1.0, 3.0, 2.0), 95)).isCloseTo(3.85, within(1e-12));
    assertThat(Percentiles.of(List.of(7.0), 95)).isEqualTo(7.0);
    assertThatThrownBy(() -> Percentiles.of(List.of(), 50)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void top_k_looks_at_the_first_k_ids_only() {
    List<Long> ranked = List.of(5L, 9L, 2L, 7L, 3L, 1L);
    assertThat(TopK.hit(ranked, 5, 1)).isTrue();
    assertThat(TopK.hit(ranked, 9, 1)).isFalse();
    assertThat(TopK.hit(ranked, 3, 5)).isTrue();
    assertThat(TopK.hit(ranked, 1, 5)).isFalse();
    assertThat(TopK.hit(List.of(), 1, 5)).isFalse();
  }

  @Test
  void unified_score_follows_the_reconstructed_formula() {
    // (30 + 10 * 0.27 + 0.5 - 20 - 50) / 4 = (33.2 - 70) / 4 = -9.2
    assertThat(UnifiedScore.of(30.0, 0.27, 0.5, 20.0)).isCloseTo(-9.2, within(1e-12));
    assertThat(UnifiedScore.of(30.0, 0.27, null, 20.0)).isNull();
  }
}
