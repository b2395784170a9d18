package io.chatgen.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatgen.core.BaseArchitecture;
import io.chatgen.core.ChatGenException;
import io.chatgen.core.ChatRequest;
import io.chatgen.core.ModelCard;
import io.chatgen.core.ModelChoice;
import io.chatgen.core.ModelFile;
import io.chatgen.core.ScoredModel;
import io.chatgen.core.stage.ModelSelector;
import io.chatgen.diffusion.checkpoint.InstalledCheckpoints;
import io.chatgen.diffusion.safetensors.SafetensorsWriter;
import io.chatgen.diffusion.safetensors.TensorData;
import io.chatgen.modeltoken.ModelTokenSelector;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstalledModelsTest {
  /** A header in the layout of an SD 1.x checkpoint (one-element tensors: only the names are read). */
  private static void writeCheckpoint(Path file, List<String> keys) {
    Map<String, TensorData> tensors = new LinkedHashMap<>();
    keys.forEach(k -> tensors.put(k, TensorData.ofFloats(new long[] {1}, new float[] {0f})));
    SafetensorsWriter.write(file, tensors, Map.of());
  }

  private static final List<String> SD1 = List.of("model.diffusion_model.input_blocks.0.0.weight",
      "cond_stage_model.transformer.text_model.embeddings.token_embedding.weight");

  @Test
  void the_model_token_selector_adds_unknown_checkpoints_zero_shot_and_picks_only_installed_ones(@TempDir Path dir) {
    writeCheckpoint(dir.resolve("inkwash_dreams.safetensors"), SD1);
    writeCheckpoint(dir.resolve("neon_samurai.safetensors"), SD1);
    List<String> notes = new ArrayList<>();
    try (ModelTokenSelector shipped = ModelTokenSelector.builder().build();
        ModelTokenSelector restricted = (ModelTokenSelector) InstalledModels.restrict(shipped, dir, notes)) {
      assertThat(notes).singleElement().asString().contains("2 checkpoint(s)", "inkwash dreams", "neon samurai");
      ModelChoice ink = restricted.select(ChatRequest.of("a misty mountain in the inkwash style"), null);
      assertThat(ink.model().name()).isEqualTo("inkwash dreams");
      ModelChoice neon = restricted.select(ChatRequest.of("a samurai in neon light"), null);
      assertThat(neon.model().name()).isEqualTo("neon samurai");
      assertThat(neon.ranked()).allMatch(s -> s.model().id() >= InstalledCheckpoints.LOCAL_ID_BASE);
    }
  }

  @Test
  void another_selector_is_filtered_to_the_installed_models_and_renormalised(@TempDir Path dir) {
    writeCheckpoint(dir.resolve("here.safetensors"), SD1);
    ModelCard here = card(1, "here.safetensors");
    ModelCard away = card(2, "away.safetensors");
    ModelSelector both = (request, prompt) -> new ModelChoice(List.of(new ScoredModel(away, 0.6),
        new ScoredModel(here, 0.2)), List.of());
    ModelChoice c = InstalledModels.restrict(both, dir, new ArrayList<>()).select(ChatRequest.of("a cat"), null);
    assertThat(c.ranked()).singleElement().satisfies(s -> {
      assertThat(s.model()).isEqualTo(here);
      assertThat(s.probability()).isEqualTo(1.0);
    });
    assertThat(c.notes()).anySatisfy(n -> assertThat(n).contains("restricted to the checkpoints installed"));
    ModelSelector none = (request, prompt) -> new ModelChoice(List.of(new ScoredModel(away, 1)), List.of());
    assertThatThrownBy(() -> InstalledModels.restrict(none, dir, new ArrayList<>()).select(ChatRequest.of("a cat"),
        null)).isInstanceOf(ChatGenException.class).hasMessageContaining("no model installed");
  }

  private static ModelCard card(long id, String fileName) {
    return new ModelCard(id, id, "Model " + id, BaseArchitecture.SD_1, "SD 1.5", List.of(), List.of(), "",
        List.of(new ModelFile(fileName, 1, "Model", "SafeTensor", "fp16", null, null)), false, null);
  }

  @Test
  void a_folder_without_any_usable_checkpoint_is_a_clear_error(@TempDir Path dir) {
    writeCheckpoint(dir.resolve("sdxl_thing.safetensors"), List.of("conditioner.embedders.0.transformer.x"));
    try (ModelTokenSelector shipped = ModelTokenSelector.builder().build()) {
      assertThatThrownBy(() -> InstalledModels.restrict(shipped, dir, new ArrayList<>()))
          .isInstanceOf(ChatGenException.class).hasMessageContaining("no checkpoint in " + dir)
          .hasMessageContaining("SD 1.x");
    }
  }
}
