package io.chatgen.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatgen.core.BaseArchitecture;
import io.chatgen.core.ChatGenException;
import io.chatgen.core.ChatRequest;
import io.chatgen.core.ModelCard;
import io.chatgen.core.ModelChoice;
import io.chatgen.core.stage.ModelSelector;
import io.chatgen.diffusion.checkpoint.CheckpointResolver;
import io.chatgen.diffusion.checkpoint.ResolvedCheckpoint;
import io.chatgen.diffusion.safetensors.SafetensorsWriter;
import io.chatgen.diffusion.safetensors.TensorData;
import io.chatgen.modeltoken.ModelTokenSelector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
  void checkpoints_the_catalog_does_not_know_get_a_card_named_after_the_file(@TempDir Path dir) throws Exception {
    writeCheckpoint(dir.resolve("my_ink-dreams.v2.safetensors"), SD1);
    writeCheckpoint(dir.resolve("sdxl_thing.safetensors"), List.of("conditioner.embedders.0.transformer.x"));
    Files.writeString(dir.resolve("readme.txt"), "not a checkpoint");
    List<ModelCard> local = InstalledModels.localCards(dir, Set.of());
    assertThat(local).hasSize(1);
    ModelCard card = local.get(0);
    assertThat(card.name()).isEqualTo("my ink dreams v2");
    assertThat(card.id()).isGreaterThanOrEqualTo(InstalledModels.LOCAL_ID_BASE);
    assertThat(card.base()).isEqualTo(BaseArchitecture.SD_1);
    // the generator finds the file again from the card, by name
    ResolvedCheckpoint r = new CheckpointResolver(dir).resolve(card).orElseThrow();
    assertThat(r.file()).isEqualTo(dir.resolve("my_ink-dreams.v2.safetensors"));
    assertThat(r.match()).isEqualTo(ResolvedCheckpoint.Match.FILE_NAME);
    // a file a catalog card already claims gets no second card
    assertThat(InstalledModels.localCards(dir, Set.of(dir.resolve("my_ink-dreams.v2.safetensors")))).isEmpty();
  }

  @Test
  void the_model_token_selector_adds_unknown_checkpoints_zero_shot_and_picks_only_installed_ones(@TempDir Path dir) {
    writeCheckpoint(dir.resolve("inkwash_dreams.safetensors"), SD1);
    writeCheckpoint(dir.resolve("neon_samurai.safetensors"), SD1);
    List<String> notes = new ArrayList<>();
    try (ModelTokenSelector shipped = ModelTokenSelector.builder().build()) {
      ModelSelector restricted = InstalledModels.restrict(shipped, dir, notes);
      assertThat(notes).singleElement().asString().contains("2 checkpoint(s)", "inkwash dreams", "neon samurai");
      ModelChoice ink = restricted.select(ChatRequest.of("a misty mountain in the inkwash style"), null);
      assertThat(ink.model().name()).isEqualTo("inkwash dreams");
      ModelChoice neon = restricted.select(ChatRequest.of("a samurai in neon light"), null);
      assertThat(neon.model().name()).isEqualTo("neon samurai");
      assertThat(neon.ranked()).allMatch(s -> s.model().id() >= InstalledModels.LOCAL_ID_BASE);
    }
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
