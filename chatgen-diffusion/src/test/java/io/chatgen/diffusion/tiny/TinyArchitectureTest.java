package io.chatgen.diffusion.tiny;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import io.chatgen.diffusion.model.ModelConfig;
import io.chatgen.diffusion.model.StableDiffusionModel;
import io.chatgen.diffusion.safetensors.SafetensorsWriter;
import io.chatgen.diffusion.safetensors.TensorData;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TinyArchitectureTest {

  @Test
  void fresh_weights_load_as_an_sd1_checkpoint_with_the_intended_sizes(@TempDir Path dir) {
    TinyArchitecture arch = TinyArchitecture.shipped(683);
    Map<String, TensorData> weights = arch.initialWeights(1);
    Path file = dir.resolve("tiny.safetensors");
    SafetensorsWriter.write(file, weights, arch.metadata(4.0));
    try (StableDiffusionModel model = StableDiffusionModel.load(file, Device.cpu(), DataType.FLOAT32)) {
      ModelConfig c = model.config();
      assertThat(c.textHiddenSize()).isEqualTo(64);
      assertThat(c.textLayers()).isEqualTo(2);
      assertThat(c.textHeads()).isEqualTo(2);
      assertThat(c.vocabSize()).isEqualTo(683);
      assertThat(c.maxTokens()).isEqualTo(77);
      assertThat(c.unetModelChannels()).isEqualTo(32);
      assertThat(c.unetChannelMult()).containsExactly(1, 2);
      assertThat(c.unetAttentionLevels()).containsExactly(true, true);
      assertThat(c.unetResBlocks()).isEqualTo(1);
      assertThat(c.unetHeads()).isEqualTo(4);
      assertThat(c.vaeScaleFactor()).isEqualTo(4);
      assertThat(c.vaeChannelMult()).containsExactly(1, 1, 2);
      assertThat(c.latentScalingFactor()).isEqualTo(4.0);
      // every tensor of the file is a live parameter the trainer can update, and nothing else is
      assertThat(model.parameters().keySet()).containsExactlyInAnyOrderElementsOf(weights.keySet());
    }
  }

  @Test
  void initial_weights_depend_only_on_the_seed() {
    TinyArchitecture arch = TinyArchitecture.shipped(100);
    assertThat(arch.initialWeights(5)).isEqualTo(arch.initialWeights(5)).isNotEqualTo(arch.initialWeights(6));
  }

  @Test
  void the_unet_output_starts_at_zero_as_ldm_initialises_it() {
    TensorData out = TinyArchitecture.shipped(100).initialWeights(1).get("model.diffusion_model.out.2.weight");
    assertThat(out.shape()).containsExactly(4, 32, 3, 3);
    assertThat(out.bytes()).containsOnly((byte) 0);
    assertThat(List.of(TinyArchitecture.shipped(100).vaeScaleFactor())).containsExactly(4);
  }
}
