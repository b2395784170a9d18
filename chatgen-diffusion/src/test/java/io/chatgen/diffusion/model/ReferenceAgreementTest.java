package io.chatgen.diffusion.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.chatgen.diffusion.safetensors.SafetensorsFile;
import io.chatgen.diffusion.safetensors.SafetensorsReader;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Java model against the original implementations (CompVis ldm UNet/Encoder/Decoder, openai
 * CLIP text transformer) run by make_tiny_reference.py on a tiny random checkpoint in the real key
 * layout. Agreement is measured as ||java - ref|| / ||ref|| and must be below 1e-4.
 */
class ReferenceAgreementTest {
  private static final double TOLERANCE = 1e-4;

  private static StableDiffusionModel model;
  private static SafetensorsFile reference;
  private static NDManager manager;

  static Path resource(String name) {
    try {
      return Path.of(ReferenceAgreementTest.class.getResource(name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @BeforeAll
  static void load() {
    model = StableDiffusionModel.load(resource("tiny-sd1.safetensors"), Device.cpu(), DataType.FLOAT32);
    reference = SafetensorsReader.open(resource("tiny-sd1-reference.safetensors"));
    manager = NDManager.newBaseManager(Device.cpu());
  }

  @AfterAll
  static void close() {
    manager.close();
    reference.close();
    model.close();
  }

  private static NDArray ref(String name) {
    return reference.read(name, manager);
  }

  static double relativeError(NDArray actual, NDArray expected) {
    assertThat(actual.getShape()).isEqualTo(expected.getShape());
    try (NDArray diff = actual.sub(expected); NDArray dn = diff.norm(); NDArray en = expected.norm()) {
      return dn.getFloat() / en.getFloat();
    }
  }

  @Test
  void config_is_read_from_the_tensor_shapes() {
    ModelConfig c = model.config();
    assertThat(c.textHiddenSize()).isEqualTo(64);
    assertThat(c.textLayers()).isEqualTo(3);
    assertThat(c.textHeads()).isEqualTo(2);
    assertThat(c.textIntermediateSize()).isEqualTo(256);
    assertThat(c.maxTokens()).isEqualTo(77);
    assertThat(c.vocabSize()).isEqualTo(1000);
    assertThat(c.unetModelChannels()).isEqualTo(32);
    assertThat(c.unetChannelMult()).containsExactly(1, 1);
    assertThat(c.unetResBlocks()).isEqualTo(1);
    assertThat(c.unetAttentionLevels()).containsExactly(true, false);
    assertThat(c.unetTransformerDepth()).isEqualTo(1);
    assertThat(c.unetHeads()).isEqualTo(8);
    assertThat(c.contextDim()).isEqualTo(64);
    assertThat(c.latentChannels()).isEqualTo(4);
    assertThat(c.vaeScaleFactor()).isEqualTo(2);
    assertThat(c.vaeChannelMult()).containsExactly(1, 1);
    assertThat(c.latentScalingFactor()).isEqualTo(0.18215);
  }

  @Test
  void text_encoder_matches_clip_with_and_without_clip_skip() {
    for (int skip : List.of(1, 2)) {
      try (NDArray ids = ref("text.ids"); NDArray out = model.encodeText(ids, skip);
          NDArray expected = ref("text.out.skip" + skip)) {
        assertThat(out.getDataType()).isEqualTo(DataType.FLOAT32);
        assertThat(out.getManager()).isSameAs(manager);
        assertThat(relativeError(out, expected)).as("clip skip %d", skip).isLessThan(TOLERANCE);
      }
    }
  }

  @Test
  void clip_skip_changes_the_output() {
    try (NDArray a = ref("text.out.skip1"); NDArray b = ref("text.out.skip2")) {
      assertThat(relativeError(a, b)).isGreaterThan(0.01);
    }
  }

  @Test
  void one_unet_step_matches_ldm() {
    try (NDArray out = model.predictNoise(ref("unet.latents"), ref("unet.timesteps"), ref("unet.context"));
        NDArray expected = ref("unet.out")) {
      assertThat(relativeError(out, expected)).isLessThan(TOLERANCE);
    }
  }

  @Test
  void unet_accepts_a_long_prompt_context_of_two_chunks() {
    try (NDArray out = model.predictNoise(ref("unet2.latents"), ref("unet2.timesteps"), ref("unet2.context"));
        NDArray expected = ref("unet2.out")) {
      assertThat(relativeError(out, expected)).isLessThan(TOLERANCE);
    }
  }

  @Test
  void vae_decoder_matches_ldm() {
    try (NDArray out = model.decodeLatentsUnclamped(ref("vae.latents")); NDArray expected = ref("vae.decoded")) {
      assertThat(relativeError(out, expected)).isLessThan(TOLERANCE);
    }
  }

  @Test
  void decoded_images_are_clamped_to_the_unit_range() {
    try (NDArray out = model.decodeLatents(ref("vae.latents")); NDArray expected = ref("vae.decoded");
        NDArray clipped = expected.clip(-1, 1)) {
      assertThat(out.max().getFloat()).isLessThanOrEqualTo(1f);
      assertThat(out.min().getFloat()).isGreaterThanOrEqualTo(-1f);
      assertThat(relativeError(out, clipped)).isLessThan(TOLERANCE);
    }
  }

  @Test
  void vae_encoder_matches_ldm() {
    try (NDArray out = model.encodeImages(ref("vae.images")); NDArray expected = ref("vae.encoded")) {
      assertThat(relativeError(out, expected)).isLessThan(TOLERANCE);
    }
  }
}
