package io.chatgen.diffusion.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.chatgen.core.ChatGenException;
import io.chatgen.core.DataFormatException;
import io.chatgen.core.InvalidRequestException;
import io.chatgen.core.ModelLoadException;
import io.chatgen.diffusion.safetensors.SafetensorsFile;
import io.chatgen.diffusion.safetensors.SafetensorsReader;
import io.chatgen.diffusion.safetensors.SafetensorsWriter;
import io.chatgen.diffusion.safetensors.TensorData;
import io.chatgen.diffusion.safetensors.TensorInfo;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading failures are typed and leak nothing; closing the model frees its native memory. */
class ModelLoadingTest {
  private static final Path TINY = ReferenceAgreementTest.resource("tiny-sd1.safetensors");
  private static final String VAE_KEY = "first_stage_model.decoder.up.0.block.1.conv2.weight";
  private static final String UNET_KEY = "model.diffusion_model.output_blocks.2.1.transformer_blocks.0.attn2.to_k.weight";

  @TempDir Path dir;

  /** The tiny checkpoint with some tensors edited. */
  private Path variant(String name, Consumer<Map<String, TensorData>> edit) {
    Map<String, TensorData> tensors = new HashMap<>();
    Map<String, String> meta;
    try (SafetensorsFile f = SafetensorsReader.open(TINY)) {
      meta = f.metadata();
      for (TensorInfo info : f.tensors().values()) {
        ByteBuffer b = f.map(info);
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        tensors.put(info.name(), new TensorData(info.dtype(), info.shape(), bytes));
      }
    }
    edit.accept(tensors);
    Path p = dir.resolve(name);
    SafetensorsWriter.write(p, tensors, meta);
    return p;
  }

  /** Native resources (sub-managers) held by DJL's system manager. */
  private static int systemResources() throws ReflectiveOperationException {
    try (NDManager probe = NDManager.newBaseManager()) {
      return resources(probe.getParentManager());
    }
  }

  static int resources(NDManager m) throws ReflectiveOperationException {
    Field f = BaseNDManager.class.getDeclaredField("resources");
    f.setAccessible(true);
    return ((Map<?, ?>) f.get(m)).size();
  }

  private static StableDiffusionModel load(Path p) {
    return StableDiffusionModel.load(p, Device.cpu(), DataType.FLOAT32);
  }

  @Test
  void a_missing_tensor_is_named_in_the_error() {
    Path p = variant("missing.safetensors", t -> t.remove(VAE_KEY));
    assertThatThrownBy(() -> load(p)).isInstanceOf(ModelLoadException.class)
        .hasMessageContaining(VAE_KEY).hasMessageContaining("[32, 32, 3, 3]");
  }

  @Test
  void a_misshapen_tensor_names_key_expected_and_found_shape() {
    Path p = variant("shape.safetensors", t -> {
      TensorData old = t.get(UNET_KEY);
      t.put(UNET_KEY, new TensorData(old.dtype(), new long[] {32, 32}, new byte[32 * 32 * 2]));
    });
    assertThatThrownBy(() -> load(p)).isInstanceOf(ModelLoadException.class)
        .hasMessageContaining(UNET_KEY).hasMessageContaining("[32, 32]").hasMessageContaining("expected [32, 64]");
  }

  @Test
  void a_checkpoint_without_a_text_encoder_is_refused() {
    Path p = variant("unet-only.safetensors", t -> t.keySet().removeIf(k -> k.startsWith("cond_stage_model.")));
    assertThatThrownBy(() -> load(p)).isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("cond_stage_model.transformer.text_model.embeddings.token_embedding.weight");
  }

  @Test
  void every_malformed_file_gives_a_typed_error() throws IOException {
    Path empty = dir.resolve("empty.safetensors");
    Files.write(empty, new byte[0]);
    Path pickle = dir.resolve("model.ckpt");
    Files.write(pickle, new byte[] {(byte) 0x80, 0x02});
    byte[] full = Files.readAllBytes(TINY);
    Path truncated = dir.resolve("truncated.safetensors");
    Files.write(truncated, Arrays.copyOf(full, full.length / 2));
    for (Path p : List.of(empty, pickle, truncated)) {
      assertThatThrownBy(() -> load(p)).as(p.toString()).isInstanceOf(ChatGenException.class);
    }
    assertThatThrownBy(() -> load(truncated)).isInstanceOf(DataFormatException.class);
    assertThatThrownBy(() -> load(pickle)).isInstanceOf(ModelLoadException.class);
  }

  @Test
  void failed_loads_do_not_leak_native_memory() throws ReflectiveOperationException {
    // fails at the very last VAE tensors, after the text encoder and UNet weights were read
    Path broken = variant("late.safetensors", t -> t.remove("first_stage_model.decoder.conv_out.bias"));
    int before = systemResources();
    for (int i = 0; i < 30; i++) {
      assertThatThrownBy(() -> load(broken)).isInstanceOf(ModelLoadException.class);
    }
    assertThat(systemResources()).isEqualTo(before);
  }

  @Test
  void close_frees_the_weights_and_is_idempotent() throws ReflectiveOperationException {
    int before = systemResources();
    StableDiffusionModel model = load(TINY);
    NDManager m = model.manager();
    assertThat(resources(m)).isGreaterThan(100);
    assertThat(systemResources()).isEqualTo(before + 1);
    model.close();
    model.close();
    assertThat(m.isOpen()).isFalse();
    assertThat(model.isClosed()).isTrue();
    assertThat(systemResources()).isEqualTo(before);
    try (NDManager caller = NDManager.newBaseManager()) {
      NDArray ids = caller.zeros(new Shape(1, 77), DataType.INT32);
      assertThatThrownBy(() -> model.encodeText(ids, 1)).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void forward_calls_leave_only_their_result_behind() throws ReflectiveOperationException {
    try (StableDiffusionModel model = load(TINY); NDManager caller = NDManager.newBaseManager()) {
      int weights = resources(model.manager());
      NDArray latents = caller.randomNormal(new Shape(2, 4, 8, 8));
      NDArray t = caller.create(new float[] {1f, 999f});
      NDArray ctx = caller.randomNormal(new Shape(2, 77, 64));
      NDArray ids = caller.zeros(new Shape(2, 77), DataType.INT32);
      NDArray images = caller.randomUniform(-1, 1, new Shape(1, 3, 16, 16));
      int inputs = resources(caller);
      for (int i = 0; i < 3; i++) {
        model.predictNoise(latents, t, ctx).close();
        model.encodeText(ids, 2).close();
        model.decodeLatents(latents).close();
        model.encodeImages(images).close();
      }
      NDArray eps = model.predictNoise(latents, t, ctx);
      assertThat(eps.getManager()).isSameAs(caller);
      assertThat(resources(caller)).isEqualTo(inputs + 1);
      // the model may cache a few norm constants on first use, but nothing grows per call
      int afterWarmup = resources(model.manager());
      model.predictNoise(latents, t, ctx).close();
      model.decodeLatents(latents).close();
      assertThat(resources(model.manager())).isEqualTo(afterWarmup).isLessThan(weights + 20);
      assertThat(latents.isReleased()).isFalse();
    }
  }

  @Test
  void half_precision_on_the_cpu_computes_in_float32() {
    try (StableDiffusionModel model = StableDiffusionModel.load(TINY, Device.cpu(), DataType.FLOAT16)) {
      assertThat(model.computeType()).isEqualTo(DataType.FLOAT32);
    }
  }

  @Test
  void bad_inputs_are_invalid_requests() {
    try (StableDiffusionModel model = load(TINY); NDManager m = NDManager.newBaseManager()) {
      NDArray ids = m.zeros(new Shape(1, 77), DataType.INT32);
      assertThatThrownBy(() -> model.encodeText(ids, 4)).isInstanceOf(InvalidRequestException.class)
          .hasMessageContaining("1..3");
      assertThatThrownBy(() -> model.encodeText(m.full(new Shape(1, 77), 1000), 1))
          .isInstanceOf(InvalidRequestException.class).hasMessageContaining("[0, 1000)");
      assertThatThrownBy(() -> model.encodeText(m.zeros(new Shape(1, 78), DataType.INT32), 1))
          .isInstanceOf(InvalidRequestException.class);
      assertThatThrownBy(() -> model.encodeText(m.zeros(new Shape(1, 77)), 1))
          .isInstanceOf(InvalidRequestException.class).hasMessageContaining("int32");
      NDArray ctx = m.zeros(new Shape(1, 77, 64));
      NDArray t = m.create(new float[] {5f});
      assertThatThrownBy(() -> model.predictNoise(m.zeros(new Shape(1, 4, 7, 8)), t, ctx))
          .isInstanceOf(InvalidRequestException.class).hasMessageContaining("multiples of 2");
      assertThatThrownBy(() -> model.predictNoise(m.zeros(new Shape(1, 4, 8, 8)), t, m.zeros(new Shape(1, 77, 32))))
          .isInstanceOf(InvalidRequestException.class).hasMessageContaining("context");
      assertThatThrownBy(() -> model.encodeImages(m.zeros(new Shape(1, 3, 15, 16))))
          .isInstanceOf(InvalidRequestException.class);
      assertThatThrownBy(() -> model.decodeLatents(m.zeros(new Shape(1, 3, 8, 8))))
          .isInstanceOf(InvalidRequestException.class);
    }
  }

  @Test
  void a_single_timestep_is_used_for_the_whole_batch() {
    try (StableDiffusionModel model = load(TINY); NDManager m = NDManager.newBaseManager()) {
      NDArray latents = m.randomNormal(new Shape(2, 4, 8, 8));
      NDArray ctx = m.randomNormal(new Shape(2, 77, 64));
      NDArray one = model.predictNoise(latents, m.create(new float[] {250f}), ctx);
      NDArray both = model.predictNoise(latents, m.create(new float[] {250f, 250f}), ctx);
      assertThat(one.toFloatArray()).containsExactly(both.toFloatArray());
    }
  }
}
