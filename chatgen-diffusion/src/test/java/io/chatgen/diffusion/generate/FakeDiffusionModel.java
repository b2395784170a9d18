package io.chatgen.diffusion.generate;

import io.chatgen.diffusion.conditioning.ChunkEncoder;
import io.chatgen.diffusion.conditioning.Conditioning;
import java.util.ArrayList;
import java.util.List;

/**
 * An analytic stand-in for a checkpoint (4 latent channels, factor 8, hidden 8): cheap, and every
 * output depends on its inputs, so the orchestration around it can be checked quickly.
 */
final class FakeDiffusionModel implements DiffusionModel {
  static final int HIDDEN = 8;
  final List<double[]> decoded = new ArrayList<>();
  final List<Integer> clipSkips = new ArrayList<>();
  int unetCalls;
  int openUnets;
  boolean closed;
  /** When true the UNet predicts zero noise (an Euler run then keeps its starting latents). */
  boolean zeroNoise;

  @Override
  public int latentChannels() {
    return 4;
  }

  @Override
  public int vaeScaleFactor() {
    return 8;
  }

  @Override
  public int pixelMultiple() {
    return 8;
  }

  @Override
  public int textLayers() {
    return 2;
  }

  @Override
  public int vocabSize() {
    return 49408;
  }

  @Override
  public ChunkEncoder textEncoder(int clipSkip) {
    clipSkips.add(clipSkip);
    return windows -> {
      float[][] out = new float[windows.length][77 * HIDDEN];
      for (int w = 0; w < windows.length; w++) {
        for (int p = 0; p < 77; p++) {
          for (int h = 0; h < HIDDEN; h++) {
            out[w][p * HIDDEN + h] = (float) (Math.sin(windows[w][p] * 0.1 + p * 0.01 + h) * clipSkip);
          }
        }
      }
      return out;
    };
  }

  @Override
  public GuidedUnet guidedUnet(Conditioning conditioning, double cfgScale, int latentHeight, int latentWidth) {
    float[] pos = conditioning.positive().values();
    float[] neg = conditioning.negative().values();
    openUnets++;
    return new GuidedUnet() {
      @Override
      public double[] predictNoise(double[] x, double t) {
        unetCalls++;
        double[] eps = new double[x.length];
        if (!zeroNoise) {
          for (int i = 0; i < x.length; i++) {
            // each latent element reads a different context value, so weights matter, not just the mean
            double epsNeg = 0.5 * x[i] + neg[(7 * i) % neg.length] * 0.1;
            double epsPos = 0.5 * x[i] + pos[(7 * i) % pos.length] * 0.1 + 0.01 * Math.sin(i + t / 100);
            eps[i] = epsNeg + cfgScale * (epsPos - epsNeg);
          }
        }
        return eps;
      }

      @Override
      public void close() {
        openUnets--;
      }
    };
  }

  @Override
  public int[] decode(double[] latents, int h, int w) {
    decoded.add(latents.clone());
    int width = w * 8;
    int height = h * 8;
    int[] rgb = new int[width * height];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int li = (y / 8) * w + x / 8;
        int r = channel(latents[li]);
        int g = channel(latents[h * w + li]);
        int b = channel(latents[2 * h * w + li]);
        rgb[y * width + x] = r << 16 | g << 8 | b;
      }
    }
    return rgb;
  }

  private static int channel(double v) {
    return (int) Math.max(0, Math.min(255, 127.5 + 60 * v));
  }

  @Override
  public double[] encode(float[] chw, int width, int height) {
    int h = height / 8;
    int w = width / 8;
    double[] out = new double[4 * h * w];
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
          out[c * h * w + (y / 8) * w + x / 8] += chw[c * width * height + y * width + x] / 64.0;
        }
      }
    }
    return out;
  }

  @Override
  public void close() {
    closed = true;
  }
}
