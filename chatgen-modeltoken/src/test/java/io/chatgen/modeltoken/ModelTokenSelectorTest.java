package io.chatgen.modeltoken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatgen.core.BaseArchitecture;
import io.chatgen.core.ChatGenException;
import io.chatgen.core.ChatRequest;
import io.chatgen.core.InvalidRequestException;
import io.chatgen.core.ModelCard;
import io.chatgen.core.ModelChoice;
import io.chatgen.core.RewrittenPrompt;
import io.chatgen.core.ScoredModel;
import io.chatgen.core.stage.InstalledModels;
import io.chatgen.core.text.SparseVector;
import io.chatgen.modeltoken.encoder.HashedTextEncoder;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ModelTokenSelectorTest {
  private static HashedTextEncoder enc;
  private static ModelTokenVocabulary vocab;
  private static NeighbourMemory memory;

  @BeforeAll
  static void train() {
    enc = Fixtures.encoder();
    vocab = ModelTokenTrainer.builder().optEpochs(15).optBatchSize(8).optLearningRate(0.05f).build()
        .train(Fixtures.cards(), Fixtures.texts(), enc, "t");
    memory = NeighbourMemory.of(Fixtures.texts().stream().map(t -> enc.features(t.text())).toList(),
        Fixtures.texts().stream().map(LabeledText::modelId).toList());
  }

  private static ModelTokenSelector.Builder builder() {
    return ModelTokenSelector.builder().optVocabulary(vocab).optEncoder(enc).optFeaturizer(enc).optMemory(memory);
  }

  private static List<Long> ids(ModelChoice c) {
    return c.ranked().stream().map(s -> s.model().id()).toList();
  }

  @Test
  void picks_the_model_whose_prompts_match_and_ranks_with_probabilities() {
    try (ModelTokenSelector s = builder().optSafeMode(false).optTopK(3).build()) {
      ModelChoice c = s.select(ChatRequest.of("a neon city in the rain with a robot"),
          new RewrittenPrompt("cyberpunk, neon, city, rain", ""));
      assertThat(c.model().id()).isEqualTo(3L);
      assertThat(c.ranked()).hasSize(3);
      assertThat(c.probability()).isGreaterThan(c.alternatives().get(0).probability());
      assertThat(c.ranked().stream().mapToDouble(ScoredModel::probability).sum()).isLessThanOrEqualTo(1.0 + 1e-9);
      double[] p = s.probabilities("a neon city in the rain with a robot");
      assertThat(java.util.Arrays.stream(p).sum()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
      assertThat(s.describe()).contains("4 tokens").contains(enc.id());
    }
  }

  @Test
  void generation_settings_in_the_chat_do_not_change_the_choice() {
    String text = "a neon city in the rain with a robot";
    String withSettings = "a neon city in the rain with a robot, seed 42, 30 steps, cfg 7, DPM++ 2M Karras";
    assertThat(ModelTokenSelector.queryText(ChatRequest.of(withSettings), null))
        .doesNotContain("seed", "steps", "cfg", "Karras").contains("neon city");
    try (ModelTokenSelector s = builder().optSafeMode(false).build()) {
      assertThat(s.select(ChatRequest.of(withSettings), null).ranked())
          .isEqualTo(s.select(ChatRequest.of(text), null).ranked());
    }
  }

  @Test
  void a_request_that_names_a_model_leans_to_it_as_much_as_the_calibration_says() {
    // "medieval" is a word of "Medieval Mix" only; the text is otherwise about cyberpunk cities (model 3,
    // "Neon XL", whose name it does not use)
    String text = "a cyberpunk city in the rain with a robot, in a medieval mood";
    Calibration base = vocab.calibration();
    try (ModelTokenSelector ignoring = builder().optSafeMode(false).optCalibration(base.withNameWeight(0)).build();
        ModelTokenSelector reading = builder().optSafeMode(false).optCalibration(base.withNameWeight(1e4)).build()) {
      double[] before = ignoring.probabilities(text);
      double[] after = reading.probabilities(text);
      int medieval = vocab.indexOf(1).getAsInt();
      assertThat(after[medieval]).isGreaterThan(before[medieval]);
      assertThat(ignoring.select(ChatRequest.of(text), null).model().id()).isEqualTo(3L);
      assertThat(reading.select(ChatRequest.of(text), null).model().id()).isEqualTo(1L);
      // a text naming no model is scored the same either way
      String plain = "a cyberpunk city in the rain with a robot";
      assertThat(reading.probabilities(plain)).containsExactly(ignoring.probabilities(plain));
    }
  }

  @Test
  void safe_mode_is_on_by_default_and_leaves_out_explicit_models() {
    String text = "realistic portrait photo, skin, lens";
    try (ModelTokenSelector safe = builder().optTopK(4).build();
        ModelTokenSelector open = builder().optTopK(4).optSafeMode(false).build()) {
      assertThat(ids(safe.select(ChatRequest.of(text), new RewrittenPrompt(text, "")))).doesNotContain(4L);
      assertThat(open.select(ChatRequest.of(text), new RewrittenPrompt(text, "")).model().id()).isEqualTo(4L);
      assertThat(safe.probabilities(text)[3]).isZero();
      // the explicit model (index 3) held much of the probability: a safe choice does not claim it
      ModelChoice choice = safe.select(ChatRequest.of(text), new RewrittenPrompt(text, ""));
      double explicit = open.probabilities(text)[3];
      int chosen = safe.vocabulary().indexOf(choice.model().id()).orElseThrow();
      assertThat(explicit).isGreaterThan(0.1);
      assertThat(choice.probability()).isCloseTo(safe.probabilities(text)[chosen] * (1 - explicit),
          org.assertj.core.data.Offset.offset(1e-9));
      assertThat(choice.notes())
          .anyMatch(n -> n.startsWith("safe mode: models tagged explicit are left out (they held"));
    }
  }

  @Test
  void restrictions_keep_only_the_allowed_models_or_one_architecture() {
    String text = "a neon city in the rain with a robot";
    try (ModelTokenSelector installed = builder().optAllowedModels(List.of(1L, 2L)).build();
        ModelTokenSelector sd1 = builder().optBaseArchitecture(BaseArchitecture.SD_1).build()) {
      assertThat(ids(installed.select(ChatRequest.of(text), new RewrittenPrompt(text, ""))))
          .containsExactlyInAnyOrder(1L, 2L);
      ModelChoice c = sd1.select(ChatRequest.of(text), new RewrittenPrompt(text, ""));
      assertThat(c.ranked()).allMatch(m -> m.model().base() == BaseArchitecture.SD_1);
      assertThat(c.notes()).anyMatch(n -> n.contains("SD 1.x"));
    }
  }

  @Test
  void unknown_allowed_ids_and_empty_restrictions_are_clear_errors() {
    assertThatThrownBy(() -> builder().optAllowedModels(List.of(1L, 777L)).build())
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("777");
    assertThatThrownBy(() -> builder().optAllowedModels(List.of(4L)).build())
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("no model is left");
    assertThatThrownBy(() -> builder().optTopK(0).build()).isInstanceOf(InvalidRequestException.class);
  }

  @Test
  void empty_and_oversized_texts_are_refused() {
    try (ModelTokenSelector s = builder().build()) {
      assertThatThrownBy(() -> s.probabilities("   ")).isInstanceOf(InvalidRequestException.class)
          .hasMessageContaining("empty");
      String huge = "castle ".repeat(150_000);
      assertThatThrownBy(() -> s.probabilities(huge)).isInstanceOf(InvalidRequestException.class)
          .hasMessageContaining("characters");
      assertThatThrownBy(() -> ChatRequest.of(huge)).isInstanceOf(InvalidRequestException.class);
      // a text of unknown words still gets an answer from the token scores alone
      assertThat(s.select(ChatRequest.of("zzz qqq"), new RewrittenPrompt("zzz qqq", "")).ranked()).isNotEmpty();
    }
  }

  @Test
  void expanding_the_selector_adds_a_model_that_its_examples_then_select() {
    ModelCard ocean = Fixtures.card(5, "Ocean Mix", BaseArchitecture.SD_1, false);
    List<String> shots = List.of("cherry rain lens", "rain lens cherry sword", "lens cherry rain");
    try (ModelTokenSelector s = builder().build();
        ModelTokenSelector bigger = s.expand(List.of(new NewModel(ocean, shots)),
            ModelTokenTrainer.builder().build())) {
      assertThat(bigger.vocabulary().size()).isEqualTo(5);
      // the three examples and the card's facts
      assertThat(bigger.memory().size()).isEqualTo(memory.size() + 4);
      assertThat(bigger.select(ChatRequest.of("cherry rain lens"), new RewrittenPrompt("cherry rain lens", ""))
          .model().id()).isEqualTo(5L);
      assertThat(s.vocabulary().size()).isEqualTo(4);
    }
  }

  @Test
  void a_model_added_from_its_card_alone_is_remembered_by_its_facts() {
    // its tags are words the other models use one at a time; its facts text uses all three
    ModelCard ocean = new ModelCard(5, 50, "Ocean Mix", BaseArchitecture.SD_1, "SD 1.5",
        List.of("cherry", "rain"), List.of("lens"), "", List.of(), false, null);
    try (ModelTokenSelector s = builder().optSafeMode(false).build();
        ModelTokenSelector bigger = s.expand(List.of(NewModel.zeroShot(ocean)), ModelTokenTrainer.builder().build())) {
      assertThat(NewModel.factsText(ocean)).isEqualTo("Ocean Mix, cherry, rain, lens");
      assertThat(bigger.memory().size()).isEqualTo(memory.size() + 1);
      assertThat(bigger.memory().vote(enc.features("cherry rain lens"), 1)).containsOnlyKeys(5L);
      assertThat(bigger.select(ChatRequest.of("cherry rain lens"), null).model().id()).isEqualTo(5L);
    }
  }

  /** Installed: the cards with these ids, and one checkpoint the vocabulary does not know. */
  private record Installed(List<Long> ids, List<ModelCard> unknown) implements InstalledModels {
    @Override
    public String where() {
      return "the test folder";
    }

    @Override
    public boolean isInstalled(ModelCard card) {
      return ids.contains(card.id()) || unknown.contains(card);
    }

    @Override
    public Found find(Collection<ModelCard> catalog) {
      return new Found(catalog.stream().filter(this::isInstalled).toList(), unknown);
    }
  }

  @Test
  void restricted_to_installed_models_it_searches_them_all_and_adds_the_unknown_ones() {
    ModelCard ocean = new ModelCard(9, 90, "Ocean Mix", BaseArchitecture.SD_1, "SD 1.5", List.of("cherry", "rain"),
        List.of("lens"), "", List.of(), false, null);
    String text = "a neon city in the rain with a robot";
    try (ModelTokenSelector all = builder().optSafeMode(false).optTopK(1).build();
        ModelTokenSelector two = all.restrictedTo(new Installed(List.of(1L, 2L), List.of()));
        ModelTokenSelector withOcean = all.restrictedTo(new Installed(List.of(2L), List.of(ocean)))) {
      assertThat(all.select(ChatRequest.of(text), null).model().id()).isEqualTo(3L);
      // the top-1 selector's best installed model, though neither is in its top 1
      ModelChoice c = two.select(ChatRequest.of(text), null);
      assertThat(c.model().id()).isIn(1L, 2L);
      assertThat(c.notes()).contains("restricted to the 2 models installed in the test folder");
      assertThat(two.describe()).endsWith("restricted to the 2 models installed in the test folder");
      assertThat(withOcean.vocabulary().size()).isEqualTo(5);
      assertThat(withOcean.select(ChatRequest.of("cherry rain lens"), null).model().id()).isEqualTo(9L);
      assertThat(withOcean.select(ChatRequest.of(text), null).notes())
          .contains("restricted to the 2 models installed in the test folder, 1 of them added by file name");
      assertThat(all.vocabulary().size()).isEqualTo(4);
    }
    // an allow-list already set still applies; nothing left is a clear error
    try (ModelTokenSelector onlyOne = builder().optSafeMode(false).optAllowedModels(List.of(1L)).build();
        ModelTokenSelector both = onlyOne.restrictedTo(new Installed(List.of(1L, 2L), List.of()))) {
      assertThat(ids(both.select(ChatRequest.of(text), null))).containsExactly(1L);
      assertThatThrownBy(() -> onlyOne.restrictedTo(new Installed(List.of(2L), List.of())))
          .isInstanceOf(ChatGenException.class).hasMessageContaining("no model installed in the test folder");
    }
  }

  @Test
  void the_neighbour_memory_votes_for_the_models_of_the_nearest_prompts() {
    SparseVector q = enc.features("castle dragon knight");
    assertThat(memory.vote(q, 3)).containsOnlyKeys(1L);
    assertThat(memory.vote(enc.features("nothing known"), 3)).isEmpty();
    // restricted to model 2, the vote hears model 2's three nearest prompts, not none of the three nearest
    SparseVector shared = enc.features("masterpiece castle dragon knight");
    assertThat(memory.vote(shared, 3, 1.0)).containsOnlyKeys(1L);
    Map<Long, Double> two = memory.vote(shared, 3, 1.0, m -> m == 2L);
    assertThat(two).containsOnlyKeys(2L);
    assertThat(two.get(2L)).isGreaterThan(0);
  }
}
