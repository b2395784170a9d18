package io.chatgen.diffusion.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.chatgen.core.spi.DeviceSpec;
import io.chatgen.diffusion.conditioning.ChunkEncoder;
import io.chatgen.diffusion.conditioning.Conditioning;
import io.chatgen.diffusion.model.ModelConfig;
import io.chatgen.diffusion.model.StableDiffusionModel;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * {@link DiffusionModel} on DJL: every call works in a sub-manager of the model's manager that
 * is closed before it returns (the guided UNet keeps the context in one closed with it, and each
 * step's arrays in a sub-manager closed at the end of the step).
 */
final class DjlDiffusionModel implements DiffusionModel {
  private final StableDiffusionModel model;
  private final ModelConfig config;

  DjlDiffusionModel(StableDiffusionModel model) {
    this.model = model;
    this.config = model.config();
  }

  static DiffusionModel load(Path checkpoint, DeviceSpec device, boolean half) {
    return new DjlDiffusionModel(StableDiffusionModel.load(checkpoint, DjlDevices.toDjl(device),
        half ? DataType.FLOAT16 : DataType.FLOAT32));
  }

  @Override
  public int latentChannels() {
    return config.latentChannels();
  }

  @Override
  public int vaeScaleFactor() {
    return config.vaeScaleFactor();
  }

  @Override
  public int pixelMultiple() {
    return config.vaeScaleFactor() << config.unetDownsamplings();
  }

  @Override
  public int textLayers() {
    return config.textLayers();
  }

  @Override
  public int vocabSize() {
    return config.vocabSize();
  }

  @Override
  public ChunkEncoder textEncoder(int clipSkip) {
    return windows -> {
      int len = windows[0].length;
      int[] flat = new int[windows.length * len];
      for (int i = 0; i < windows.length; i++) {
        System.arraycopy(windows[i], 0, flat, i * len, len);
      }
      float[] all;
      try (NDManager m = model.manager().newSubManager()) {
        all = model.encodeText(m.create(flat, new Shape(windows.length, len)), clipSkip).toFloatArray();
      }
      int per = all.length / windows.length;
      float[][] out = new float[windows.length][];
      for (int i = 0; i < windows.length; i++) {
        out[i] = Arrays.copyOfRange(all, i * per, (i + 1) * per);
      }
      return out;
    };
  }

  @Override
  public GuidedUnet guidedUnet(Conditioning conditioning, double cfgScale, int latentHeight, int latentWidth) {
    NDManager request = model.manager().newSubManager();
    try {
      return new GuidedNoisePredictor(model, request, conditioning, cfgScale,
          new Shape(1, config.latentChannels(), latentHeight, latentWidth));
    } catch (RuntimeException e) {
      request.close();
      throw e;
    }
  }

  @Override
  public int[] decode(double[] latents, int latentHeight, int latentWidth) {
    float[] x = new float[latents.length];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) latents[i];
    }
    float[] chw;
    try (NDManager m = model.manager().newSubManager()) {
      chw = model.decodeLatents(m.create(x, new Shape(1, config.latentChannels(), latentHeight, latentWidth)))
          .toFloatArray();
    }
    int f = config.vaeScaleFactor();
    return ImageTensors.toRgb(chw, latentWidth * f, latentHeight * f);
  }

  @Override
  public double[] encode(float[] chw, int width, int height) {
    float[] latents;
    try (NDManager m = model.manager().newSubManager()) {
      latents = model.encodeImages(m.create(chw, new Shape(1, 3, height, width))).toFloatArray();
    }
    double[] out = new double[latents.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = latents[i];
    }
    return out;
  }

  /** The model's manager (tests count its resources). */
  ai.djl.ndarray.NDManager manager() {
    return model.manager();
  }

  @Override
  public void close() {
    model.close();
  }
}
