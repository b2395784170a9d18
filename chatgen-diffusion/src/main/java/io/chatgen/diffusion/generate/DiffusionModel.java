package io.chatgen.diffusion.generate;

import io.chatgen.diffusion.conditioning.ChunkEncoder;
import io.chatgen.diffusion.conditioning.Conditioning;
import java.nio.file.Path;

/**
 * What the generator needs from a loaded checkpoint, in engine-free terms: the DJL implementation
 * wraps {@link io.chatgen.diffusion.model.StableDiffusionModel}; tests substitute analytic fakes to
 * check the orchestration quickly. Latents are flat {@code [C, h, w]} arrays.
 */
interface DiffusionModel extends AutoCloseable {
  /** Latent channels (4 for SD). */
  int latentChannels();

  /** Image pixels per latent pixel (8 for SD). */
  int vaeScaleFactor();

  /** Image sides must be multiples of this many pixels. */
  int pixelMultiple();

  /** Text-encoder layers (the largest valid clip skip). */
  int textLayers();

  /** Token embedding rows (ids must be below this). */
  int vocabSize();

  /** The text encoder with a clip skip, as the conditioner sees it. */
  ChunkEncoder textEncoder(int clipSkip);

  /** The UNet with classifier-free guidance over this conditioning; closed after the request. */
  GuidedUnet guidedUnet(Conditioning conditioning, double cfgScale, int latentHeight, int latentWidth);

  /** Sampled latents (not yet divided by the scaling factor) to 0xRRGGBB pixels. */
  int[] decode(double[] latents, int latentHeight, int latentWidth);

  /** An image as CHW floats in [-1, 1] to scaled latents. */
  double[] encode(float[] chw, int width, int height);

  @Override
  void close();

  /** A noise predictor that owns per-request resources. */
  interface GuidedUnet extends io.chatgen.diffusion.sampling.NoisePredictor, AutoCloseable {
    @Override
    void close();
  }

  /** Loads a checkpoint. */
  @FunctionalInterface
  interface Loader {
    DiffusionModel load(Path checkpoint, io.chatgen.core.spi.DeviceSpec device, boolean halfPrecision);
  }
}
