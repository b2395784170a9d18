package io.chatgen.diffusion.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.chatgen.diffusion.conditioning.Conditioning;
import io.chatgen.diffusion.model.StableDiffusionModel;

/**
 * The UNet with classifier-free guidance as a noise predictor: each call runs one batch of
 * two (prompt, then negative prompt, as A1111 orders them) and returns
 * {@code eps_neg + cfg * (eps_pos - eps_neg)}, which equals A1111's guidance on the denoised
 * estimate. The context lives in the request's manager; each step's arrays live in a sub-manager
 * closed at the end of the step; closing closes the request manager. Not thread-safe; one per request.
 */
final class GuidedNoisePredictor implements DiffusionModel.GuidedUnet {
  private final StableDiffusionModel model;
  private final NDManager request;
  private final NDArray context;
  private final double cfgScale;
  private final Shape latentShape;

  GuidedNoisePredictor(StableDiffusionModel model, NDManager request, Conditioning conditioning,
      double cfgScale, Shape latentShape) {
    this.model = model;
    this.request = request;
    this.cfgScale = cfgScale;
    this.latentShape = latentShape;
    int t = conditioning.positive().tokens();
    int h = conditioning.positive().hidden();
    float[] both = new float[2 * t * h];
    System.arraycopy(conditioning.positive().values(), 0, both, 0, t * h);
    System.arraycopy(conditioning.negative().values(), 0, both, t * h, t * h);
    this.context = request.create(both, new Shape(2, t, h));
  }

  @Override
  public double[] predictNoise(double[] modelInput, double timestep) {
    int n = modelInput.length;
    float[] batch = new float[2 * n];
    for (int i = 0; i < n; i++) {
      batch[i] = (float) modelInput[i];
      batch[n + i] = batch[i];
    }
    float[] eps;
    try (NDManager step = request.newSubManager()) {
      NDArray latents = step.create(batch, new Shape(2, latentShape.get(1), latentShape.get(2), latentShape.get(3)));
      NDArray t = step.create(new float[] {(float) timestep});
      eps = model.predictNoise(latents, t, context).toFloatArray();
    }
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      double cond = eps[i];
      double uncond = eps[n + i];
      out[i] = uncond + cfgScale * (cond - uncond);
    }
    return out;
  }

  @Override
  public void close() {
    request.close();
  }
}
