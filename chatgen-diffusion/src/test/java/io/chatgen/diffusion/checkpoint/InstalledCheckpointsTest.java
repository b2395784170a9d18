package io.chatgen.diffusion.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatgen.core.BaseArchitecture;
import io.chatgen.core.InvalidRequestException;
import io.chatgen.core.ModelCard;
import io.chatgen.core.ModelFile;
import io.chatgen.core.stage.InstalledModels;
import io.chatgen.diffusion.safetensors.SafetensorsWriter;
import io.chatgen.diffusion.safetensors.TensorData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstalledCheckpointsTest {
  static final List<String> SD1 = List.of("model.diffusion_model.input_blocks.0.0.weight",
      "cond_stage_model.transformer.text_model.embeddings.token_embedding.weight");

  /** A checkpoint header with these tensor names (one-element tensors: only the names are read). */
  static void writeCheckpoint(Path file, List<String> keys) {
    Map<String, TensorData> tensors = new LinkedHashMap<>();
    keys.forEach(k -> tensors.put(k, TensorData.ofFloats(new long[] {1}, new float[] {0f})));
    SafetensorsWriter.write(file, tensors, Map.of());
  }

  private static ModelCard catalogCard(long id, String fileName) {
    return new ModelCard(id, id * 10, "Catalog " + id, BaseArchitecture.SD_1, "SD 1.5", List.of(), List.of(), "",
        List.of(new ModelFile(fileName, 1, "Model", "SafeTensor", "fp16", null, null)), false, null);
  }

  @Test
  void sorts_a_folder_into_catalog_models_and_cards_for_the_other_sd1_files(@TempDir Path dir) throws Exception {
    writeCheckpoint(dir.resolve("known.safetensors"), SD1);
    writeCheckpoint(dir.resolve("my_ink-dreams.v2.safetensors"), SD1);
    writeCheckpoint(dir.resolve("sdxl_thing.safetensors"), List.of("conditioner.embedders.0.transformer.x"));
    Files.writeString(dir.resolve("broken.safetensors"), "not a checkpoint");
    Files.writeString(dir.resolve("readme.txt"), "not a checkpoint either");
    ModelCard known = catalogCard(7, "known.safetensors");
    ModelCard absent = catalogCard(8, "absent.safetensors");
    InstalledCheckpoints folder = InstalledCheckpoints.in(dir);
    InstalledModels.Found local = folder.find(List.of(known, absent));
    assertThat(local.known()).containsExactly(known);
    assertThat(local.unknown()).hasSize(1);
    ModelCard card = local.unknown().get(0);
    assertThat(card.name()).isEqualTo("my ink dreams v2");
    assertThat(card.id()).isGreaterThanOrEqualTo(InstalledCheckpoints.LOCAL_ID_BASE);
    assertThat(card.base()).isEqualTo(BaseArchitecture.SD_1);
    assertThat(local.ids()).containsExactly(7L, card.id());
    // the same file gets the same id on the next scan, and the resolver finds it from the card by name
    assertThat(InstalledCheckpoints.in(dir).find(List.of()).unknown()).extracting(ModelCard::id)
        .contains(card.id());
    ResolvedCheckpoint r = new CheckpointResolver(dir).resolve(card).orElseThrow();
    assertThat(r.file()).isEqualTo(dir.resolve("my_ink-dreams.v2.safetensors"));
    assertThat(r.match()).isEqualTo(ResolvedCheckpoint.Match.FILE_NAME);
    assertThat(folder.isInstalled(known)).isTrue();
    assertThat(folder.isInstalled(card)).isTrue();
    assertThat(folder.isInstalled(absent)).isFalse();
    assertThat(folder.where()).isEqualTo("models folder " + dir);
  }

  @Test
  void an_empty_folder_holds_nothing_and_a_missing_one_is_an_error(@TempDir Path dir) {
    assertThat(InstalledCheckpoints.in(dir).find(List.of(catalogCard(7, "known.safetensors"))).isEmpty()).isTrue();
    assertThatThrownBy(() -> InstalledCheckpoints.in(dir.resolve("nope")))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("nope");
  }
}
