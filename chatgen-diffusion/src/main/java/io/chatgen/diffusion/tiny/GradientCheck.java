package io.chatgen.diffusion.tiny;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.chatgen.diffusion.model.StableDiffusionModel;
import io.chatgen.diffusion.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Compares DJL autograd through the product's VAE forward code ({@link StableDiffusionModel}'s
 * {@code encodeImages} and {@code decodeLatentsUnclamped}) with central finite differences, for the
 * largest-gradient entry of a few parameters of a freshly initialised tiny model, and prints both.
 * The trainer ({@link TrainTinyModel}) is only as good as these gradients; this is how the
 * 2026-11-26 failure was traced (encoder gradients exactly zero: the graph is cut in the encoder).
 *
 * <pre>
 * nice java -Xmx3g -Dai.djl.offline=true -cp chatgen-diffusion/target/classes:$(cat /tmp/tiny-cp.txt) \
 *   io.chatgen.diffusion.tiny.GradientCheck
 * </pre>
 *
 * Exit status 1 when any relative error exceeds 10%.
 */
public final class GradientCheck {
  private static final List<String> KEYS = List.of(
      "first_stage_model.decoder.conv_out.bias",
      "first_stage_model.decoder.conv_out.weight",
      "first_stage_model.decoder.norm_out.weight",
      "first_stage_model.decoder.mid.attn_1.q.weight",
      "first_stage_model.post_quant_conv.weight",
      "first_stage_model.encoder.conv_out.weight",
      "first_stage_model.encoder.conv_in.weight");

  private GradientCheck() {}

  /** Entry point; no options. */
  public static void main(String[] args) throws IOException {
    System.setProperty("ai.djl.pytorch.num_threads", "1");
    System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    TinyArchitecture arch = TinyArchitecture.shipped(TinyVocabulary.build().size());
    Path file = Files.createTempFile("chatgen-gradcheck", ".safetensors");
    boolean ok = true;
    try {
      SafetensorsWriter.write(file, arch.initialWeights(1), arch.metadata(1.0));
      try (StableDiffusionModel model = StableDiffusionModel.load(file, Device.cpu(), DataType.FLOAT32);
          NDManager m = model.manager().newSubManager()) {
        Map<String, NDArray> params = model.parameters();
        SplittableRandom rnd = new SplittableRandom(1);
        float[] img = new float[2 * 3 * 64 * 64];
        for (int i = 0; i < img.length; i++) {
          img[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        NDArray x = m.create(img, new Shape(2, 3, 64, 64));
        KEYS.forEach(k -> params.get(k).setRequiresGradient(true));
        try (GradientCollector gc = Engine.getInstance().newGradientCollector();
            NDManager step = m.newSubManager()) {
          NDArray x2 = x.duplicate();
          x2.attach(step);
          gc.backward(reconstructionLoss(model, x2));
        }
        for (String k : KEYS) {
          NDArray p = params.get(k);
          float[] g;
          try (NDArray grad = p.getGradient()) {
            g = grad.toFloatArray();
          }
          float[] v = p.toFloatArray();
          int idx = 0;
          for (int i = 1; i < g.length; i++) {
            if (Math.abs(g[i]) > Math.abs(g[idx])) {
              idx = i;
            }
          }
          // the largest autograd entry, or entry 0 when autograd says all zero
          double h = 1e-3;
          float[] moved = v.clone();
          moved[idx] += (float) h;
          p.set(moved);
          double plus = lossValue(model, x);
          moved[idx] -= (float) (2 * h);
          p.set(moved);
          double minus = lossValue(model, x);
          p.set(v);
          double numeric = (plus - minus) / (2 * h);
          double rel = Math.abs(g[idx] - numeric) / Math.max(1e-6, Math.abs(numeric));
          ok &= rel <= 0.1;
          System.out.printf(Locale.ROOT, "%-50s autograd %+.6f  finite difference %+.6f  rel. error %.3f%n",
              k, g[idx], numeric, rel);
        }
      }
    } finally {
      Files.deleteIfExists(file);
    }
    System.exit(ok ? 0 : 1);
  }

  private static NDArray reconstructionLoss(StableDiffusionModel model, NDArray x) {
    NDArray rec = model.decodeLatentsUnclamped(model.encodeImages(x));
    return rec.sub(x).square().mean();
  }

  private static double lossValue(StableDiffusionModel model, NDArray x) {
    try (NDManager s = model.manager().newSubManager()) {
      NDArray x2 = x.duplicate();
      x2.attach(s);
      return reconstructionLoss(model, x2).getFloat();
    }
  }
}
