package io.chatgen.diffusion.tiny;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
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
    double convError = convolutionGradientError();
    System.out.printf(Locale.ROOT, "%-50s rel. error %.3g%n", "convolution input gradient (8->4, 3x3, 8x8)", convError);
    boolean ok = convError <= 1e-3;
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
        List<String> keys = args.length > 0 && args[0].equals("--all")
            ? params.keySet().stream().filter(k -> k.startsWith("first_stage_model.")).toList() : KEYS;
        keys.forEach(k -> params.get(k).setRequiresGradient(true));
        try (GradientCollector gc = Engine.getInstance().newGradientCollector();
            NDManager step = m.newSubManager()) {
          NDArray x2 = x.duplicate();
          x2.attach(step);
          gc.backward(reconstructionLoss(model, x2));
        }
        for (String k : keys) {
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

  /**
   * The worst relative error of autograd's input gradient of a small 3x3 convolution (8 to 4
   * channels at 8x8, the shape class that fails) against the exact gradient computed in Java.
   * Measured on an AMD EPYC with AVX-512: 0.4 to 4 (and NaN) with libtorch 2.7.1's oneDNN kernels
   * for AVX2 and AVX-512, 1e-5 with {@code ONEDNN_MAX_CPU_ISA=SSE41}; the forward pass is right.
   * Training on such a machine silently learns nothing, so {@link TrainTinyModel} calls this first.
   */
  public static double convolutionGradientError() {
    int ci = 8;
    int co = 4;
    int size = 8;
    SplittableRandom rnd = new SplittableRandom(11);
    float[] w = new float[co * ci * 9];
    float[] r = new float[2 * co * size * size];
    float[] xv = new float[2 * ci * size * size];
    for (float[] a : List.of(w, r, xv)) {
      for (int i = 0; i < a.length; i++) {
        a[i] = (float) (rnd.nextDouble() * 2 - 1);
      }
    }
    float[] grad;
    try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
      NDArray x = m.create(xv, new Shape(2, ci, size, size));
      x.setRequiresGradient(true);
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray y = Conv2d.conv2d(x, m.create(w, new Shape(co, ci, 3, 3)), null, new Shape(1, 1), new Shape(1, 1),
            new Shape(1, 1), 1).singletonOrThrow();
        gc.backward(y.mul(m.create(r, new Shape(2, co, size, size))).sum());
      }
      grad = x.getGradient().toFloatArray();
    }
    double worst = 0;
    for (int idx = 0; idx < xv.length; idx++) {
      int b = idx / (ci * size * size);
      int c = (idx / (size * size)) % ci;
      int i = (idx / size) % size;
      int j = idx % size;
      double exact = 0;
      for (int o = 0; o < co; o++) {
        for (int di = 0; di < 3; di++) {
          for (int dj = 0; dj < 3; dj++) {
            int oi = i - di + 1;
            int oj = j - dj + 1;
            if (oi >= 0 && oj >= 0 && oi < size && oj < size) {
              exact += r[((b * co + o) * size + oi) * size + oj] * w[((o * ci + c) * 3 + di) * 3 + dj];
            }
          }
        }
      }
      double err = Math.abs(grad[idx] - exact) / Math.max(1e-2, Math.abs(exact));
      worst = Double.isNaN(grad[idx]) ? Double.POSITIVE_INFINITY : Math.max(worst, err);
    }
    return worst;
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
