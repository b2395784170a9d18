package io.chatgen.diffusion.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.chatgen.core.ChatRequest;
import io.chatgen.core.GeneratedImage;
import io.chatgen.core.GenerationParams;
import io.chatgen.core.Sampler;
import io.chatgen.core.spi.DeviceSpec;
import io.chatgen.diffusion.checkpoint.CheckpointHashes;
import io.chatgen.diffusion.conditioning.ChunkEncoder;
import io.chatgen.diffusion.conditioning.Conditioning;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole text-to-image chain (tokenizer, chunks with BREAK, clip skip, emphasis, negative
 * padding, java.util.Random noise, CompVis denoiser, Euler a with CFG, VAE decode, 8-bit
 * conversion) against make_generation_reference.py, which runs the original ldm/CLIP modules on
 * the same tiny checkpoint.
 */
class GenerationReferenceTest {
  @TempDir Path models;

  @Test
  void generator_matches_the_reference_chain_on_the_tiny_checkpoint() throws IOException {
    JsonObject ref;
    try (InputStream in = getClass().getResourceAsStream("generation_reference.json")) {
      ref = JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
    }
    Path ckpt = models.resolve("tiny.safetensors");
    try (InputStream in = getClass().getResourceAsStream(TinyCheckpointGenerationTest.TINY)) {
      assumeThat(in).as("the model helper's tiny checkpoint").isNotNull();
      Files.copy(in, ckpt);
    }
    assumeThat(CheckpointHashes.sha256(ckpt))
        .as("tiny-sd1.safetensors changed since generation_reference.json was made; rerun make_generation_reference.py")
        .isEqualTo(ref.get("checkpointSha256").getAsString());
    StableDiffusionGeneratorTest.writeCharacterTokenizer(models);

    List<double[]> decoded = new ArrayList<>();
    DjlDiffusionModel[] held = new DjlDiffusionModel[1];
    GenerationParams p = new GenerationParams(Sampler.EULER_A, ref.get("steps").getAsInt(), ref.get("cfg").getAsDouble(),
        ref.get("clipSkip").getAsInt(), ref.get("size").getAsInt(), ref.get("size").getAsInt(), ref.get("seed").getAsLong(), null);
    GeneratedImage img;
    try (StableDiffusionGenerator g = StableDiffusionGenerator.builder().modelsDir(models).device(DeviceSpec.cpu())
        .loader((file, device, half) -> {
          held[0] = (DjlDiffusionModel) DjlDiffusionModel.load(file, device, half);
          return capturing(held[0], decoded);
        }).build()) {
      var plan = StableDiffusionGeneratorTest.plan(ChatRequest.of("x"), ref.get("prompt").getAsString(),
          ref.get("negative").getAsString(), p, StableDiffusionGeneratorTest.card("tiny.safetensors", null));
      img = g.generate(plan);
      int afterFirst = TinyCheckpointGenerationTest.resources(held[0].manager());
      GeneratedImage again = g.generate(plan);
      // same request, same seed: same pixels and PNG bytes; and every request's and step's arrays
      // live in sub-managers closed before generate returns
      assertThat(again.rgb()).containsExactly(img.rgb());
      assertThat(io.chatgen.diffusion.png.Infotext.png(again)).isEqualTo(io.chatgen.diffusion.png.Infotext.png(img));
      assertThat(TinyCheckpointGenerationTest.resources(held[0].manager())).isEqualTo(afterFirst);
    }

    double[] expected = doubles(ref.getAsJsonArray("latents"));
    double[] actual = decoded.get(0);
    double maxAbs = 0;
    double maxRef = 0;
    for (int i = 0; i < expected.length; i++) {
      maxAbs = Math.max(maxAbs, Math.abs(actual[i] - expected[i]));
      maxRef = Math.max(maxRef, Math.abs(expected[i]));
    }
    int[] refRgb = ref.getAsJsonArray("rgb").asList().stream().mapToInt(e -> e.getAsInt()).toArray();
    int[] rgb = img.rgb();
    int maxChannel = 0;
    int off = 0;
    for (int i = 0; i < rgb.length; i++) {
      for (int shift = 0; shift <= 16; shift += 8) {
        int d = Math.abs(((rgb[i] >> shift) & 0xFF) - ((refRgb[i] >> shift) & 0xFF));
        maxChannel = Math.max(maxChannel, d);
        off += d > 0 ? 1 : 0;
      }
    }
    System.out.printf("generation vs reference: latents max |diff| %.3e (max |ref| %.3f, rel %.3e); "
        + "pixels: %d of %d channels differ, max %d levels%n", maxAbs, maxRef, maxAbs / maxRef, off, 3 * rgb.length, maxChannel);
    assertThat(maxAbs / maxRef).as("latents, relative to their largest magnitude").isLessThan(1e-4);
    assertThat(maxChannel).as("largest 8-bit channel difference").isLessThanOrEqualTo(1);
    assertThat(off).as("channels off by one (float rounding at truncation edges)").isLessThan(rgb.length * 3 / 100);
  }

  private static double[] doubles(JsonArray a) {
    double[] out = new double[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = a.get(i).getAsDouble();
    }
    return out;
  }

  /** Delegates to the real model and records the latents handed to the decoder. */
  private static DiffusionModel capturing(DiffusionModel m, List<double[]> decoded) {
    return new DiffusionModel() {
      @Override
      public int latentChannels() {
        return m.latentChannels();
      }

      @Override
      public int vaeScaleFactor() {
        return m.vaeScaleFactor();
      }

      @Override
      public int pixelMultiple() {
        return m.pixelMultiple();
      }

      @Override
      public int textLayers() {
        return m.textLayers();
      }

      @Override
      public int vocabSize() {
        return m.vocabSize();
      }

      @Override
      public ChunkEncoder textEncoder(int clipSkip) {
        return m.textEncoder(clipSkip);
      }

      @Override
      public GuidedUnet guidedUnet(Conditioning c, double cfg, int h, int w) {
        return m.guidedUnet(c, cfg, h, w);
      }

      @Override
      public int[] decode(double[] latents, int h, int w) {
        decoded.add(latents.clone());
        return m.decode(latents, h, w);
      }

      @Override
      public double[] encode(float[] chw, int width, int height) {
        return m.encode(chw, width, height);
      }

      @Override
      public void close() {
        m.close();
      }
    };
  }
}
