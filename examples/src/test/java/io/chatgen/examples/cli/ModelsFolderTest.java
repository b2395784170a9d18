package io.chatgen.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatgen.core.BaseArchitecture;
import io.chatgen.core.ChatGenException;
import io.chatgen.core.ChatRequest;
import io.chatgen.core.GenerationPlan;
import io.chatgen.core.ModelCard;
import io.chatgen.core.ModelChoice;
import io.chatgen.core.ModelFile;
import io.chatgen.core.ScoredModel;
import io.chatgen.core.Stage;
import io.chatgen.core.pipeline.ChatGen;
import io.chatgen.core.stage.ModelSelector;
import io.chatgen.diffusion.checkpoint.InstalledCheckpoints;
import io.chatgen.diffusion.generate.StableDiffusionGenerator;
import io.chatgen.diffusion.safetensors.SafetensorsWriter;
import io.chatgen.diffusion.safetensors.TensorData;
import io.chatgen.modeltoken.ModelTokenSelector;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pipeline with a models folder chooses only among the folder's checkpoints: the embedded
 * stages as a library user builds them, and the CLI's {@code --models-dir}.
 */
class ModelsFolderTest {
  /** A header in the layout of an SD 1.x checkpoint (one-element tensors: only the names are read). */
  private static void writeCheckpoint(Path file, List<String> keys) {
    Map<String, TensorData> tensors = new LinkedHashMap<>();
    keys.forEach(k -> tensors.put(k, TensorData.ofFloats(new long[] {1}, new float[] {0f})));
    SafetensorsWriter.write(file, tensors, Map.of());
  }

  private static final List<String> SD1 = InstalledCheckpoints.SD1_TENSORS;

  @Test
  void the_model_token_selector_adds_unknown_checkpoints_zero_shot_and_picks_only_installed_ones(@TempDir Path dir) {
    writeCheckpoint(dir.resolve("inkwash_dreams.safetensors"), SD1);
    writeCheckpoint(dir.resolve("neon_samurai.safetensors"), SD1);
    try (ChatGen chatGen = ChatGen.builder().option("models.dir", dir.toString()).build()) {
      assertThat(chatGen.selector()).isInstanceOf(ModelTokenSelector.class);
      assertThat(chatGen.provenance().get(Stage.SELECT))
          .contains("restricted to the 2 models installed in models folder " + dir, "2 of them added by file name");
      GenerationPlan ink = chatGen.plan(ChatRequest.of("a misty mountain in the inkwash style"));
      assertThat(ink.model().name()).isEqualTo("inkwash dreams");
      assertThat(ink.notes()).contains("restricted to the 2 models installed in models folder " + dir
          + ", 2 of them added by file name");
      GenerationPlan neon = chatGen.plan(ChatRequest.of("a samurai in neon light"));
      assertThat(neon.model().name()).isEqualTo("neon samurai");
      assertThat(neon.choice().ranked()).allMatch(s -> s.model().id() >= InstalledCheckpoints.LOCAL_ID_BASE);
    }
    try (ChatGen everything = ChatGen.builder().option("models.dir", dir.toString()).restrictToInstalled(false)
        .build()) {
      assertThat(everything.plan(ChatRequest.of("a samurai in neon light")).choice().ranked())
          .allMatch(s -> s.model().id() < InstalledCheckpoints.LOCAL_ID_BASE);
    }
  }

  @Test
  void another_selector_is_filtered_to_the_installed_models_and_renormalised(@TempDir Path dir) {
    writeCheckpoint(dir.resolve("here.safetensors"), SD1);
    ModelCard here = card(1, "here.safetensors");
    ModelCard away = card(2, "away.safetensors");
    ModelSelector both = (request, prompt) -> new ModelChoice(List.of(new ScoredModel(away, 0.6),
        new ScoredModel(here, 0.2)), List.of());
    try (ChatGen chatGen = ChatGen.builder().selector(both)
        .generator(StableDiffusionGenerator.builder().modelsDir(dir).build()).build()) {
      ModelChoice c = chatGen.plan(ChatRequest.of("a cat")).choice();
      assertThat(c.ranked()).singleElement().satisfies(s -> {
        assertThat(s.model()).isEqualTo(here);
        assertThat(s.probability()).isEqualTo(1.0);
      });
      assertThat(c.notes()).anySatisfy(n -> assertThat(n).contains("restricted to the models installed in"));
    }
    ModelSelector none = (request, prompt) -> new ModelChoice(List.of(new ScoredModel(away, 1)), List.of());
    try (ChatGen chatGen = ChatGen.builder().selector(none)
        .generator(StableDiffusionGenerator.builder().modelsDir(dir).build()).build()) {
      assertThatThrownBy(() -> chatGen.plan(ChatRequest.of("a cat"))).isInstanceOf(ChatGenException.class)
          .hasMessageContaining("no model installed in models folder " + dir);
    }
  }

  private static ModelCard card(long id, String fileName) {
    return new ModelCard(id, id, "Model " + id, BaseArchitecture.SD_1, "SD 1.5", List.of(), List.of(), "",
        List.of(new ModelFile(fileName, 1, "Model", "SafeTensor", "fp16", null, null)), false, null);
  }

  @Test
  void a_folder_without_any_usable_checkpoint_is_a_clear_error(@TempDir Path dir) {
    writeCheckpoint(dir.resolve("sdxl_thing.safetensors"), List.of("conditioner.embedders.0.transformer.x"));
    assertThatThrownBy(() -> ChatGen.builder().option("models.dir", dir.toString()).build())
        .isInstanceOf(ChatGenException.class).hasMessageContaining("no model installed in models folder " + dir)
        .hasMessageContaining("restrictToInstalled(false)");
  }

  private record Run(int code, String out, String err) {}

  private static Run planOnly(Path modelsDir) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = ChatGenCommand.run(new String[] {"--plan-only", "--models-dir", modelsDir.toString(), "a cat on a sofa"},
        new BufferedReader(new StringReader("")), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void the_command_plans_with_the_folder_even_when_it_only_plans(@TempDir Path dir) {
    Run empty = planOnly(dir);
    assertThat(empty.code()).isNotZero();
    assertThat(empty.err()).contains("--models-dir " + dir + " holds no .safetensors checkpoint");
    writeCheckpoint(dir.resolve("inkwash_dreams.safetensors"), SD1);
    Run r = planOnly(dir);
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("model:", "inkwash dreams");
  }
}
