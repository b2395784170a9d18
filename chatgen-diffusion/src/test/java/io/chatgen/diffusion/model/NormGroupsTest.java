package io.chatgen.diffusion.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.chatgen.core.ModelLoadException;
import io.chatgen.diffusion.safetensors.SafetensorsWriter;
import io.chatgen.diffusion.tiny.TinyArchitecture;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The GroupNorm group count comes from the checkpoint's metadata, SD's 32 when it says nothing. */
class NormGroupsTest {
  /** 16 channels everywhere: loadable only with fewer than 32 groups. */
  private static final TinyArchitecture NARROW =
      new TinyArchitecture(32, 1, 2, 64, 50, 16, List.of(1, 2), 2, 16, List.of(1, 2), 16, 1, 4);

  @TempDir Path dir;

  @Test
  void a_checkpoint_with_norm_groups_metadata_normalises_over_that_many_groups() {
    Path file = dir.resolve("narrow.safetensors");
    SafetensorsWriter.write(file, NARROW.initialWeights(3), NARROW.metadata(1.0));
    try (StableDiffusionModel model = StableDiffusionModel.load(file, Device.cpu(), DataType.FLOAT32)) {
      assertThat(model.normGroups()).isEqualTo(TinyArchitecture.NORM_GROUPS);
    }
  }

  @Test
  void without_the_metadata_the_group_count_stays_at_sd_32_and_narrow_layers_are_refused() {
    Path file = dir.resolve("narrow-no-meta.safetensors");
    Map<String, String> meta = new LinkedHashMap<>(NARROW.metadata(1.0));
    meta.remove(StableDiffusionModel.META_NORM_GROUPS);
    SafetensorsWriter.write(file, NARROW.initialWeights(3), meta);
    assertThatThrownBy(() -> StableDiffusionModel.load(file, Device.cpu(), DataType.FLOAT32))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("GroupNorm(32)")
        .hasMessageContaining("16 channels");
  }

  @Test
  void a_group_count_that_is_not_a_positive_integer_is_a_load_error() {
    Path file = dir.resolve("bad-meta.safetensors");
    Map<String, String> meta = new LinkedHashMap<>(NARROW.metadata(1.0));
    meta.put(StableDiffusionModel.META_NORM_GROUPS, "eight");
    SafetensorsWriter.write(file, NARROW.initialWeights(3), meta);
    assertThatThrownBy(() -> StableDiffusionModel.load(file, Device.cpu(), DataType.FLOAT32))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining(StableDiffusionModel.META_NORM_GROUPS)
        .hasMessageContaining("eight");
  }

  @Test
  void group_norm_with_two_groups_of_four_channels_matches_the_hand_computed_values() {
    try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
      Norms norms = new Norms(m, 2);
      // one pixel, channels 0..7: groups {0,1,2,3} and {4,5,6,7}, each mean +1.5 and variance 1.25
      NDArray x = m.create(new float[] {0, 1, 2, 3, 4, 5, 6, 7}, new Shape(1, 8, 1, 1));
      NDArray gamma = m.ones(new Shape(8, 1, 1));
      NDArray beta = m.zeros(new Shape(8, 1, 1));
      float[] y = norms.groupNorm(x, norms.groups(), gamma, beta, 0f).toFloatArray();
      float a = (float) (1.5 / Math.sqrt(1.25));
      float b = (float) (0.5 / Math.sqrt(1.25));
      assertThat(y).containsExactly(new float[] {-a, -b, b, a, -a, -b, b, a}, within(1e-5f));
      // one channel per group (SD's 32 groups at width 32) erases every flat value: what 8 groups avoid
      float[] perChannel = new Norms(m, 8).groupNorm(x, 8, gamma, beta, 1e-5f).toFloatArray();
      assertThat(perChannel).containsOnly(0f);
      norms.clear();
    }
  }
}
