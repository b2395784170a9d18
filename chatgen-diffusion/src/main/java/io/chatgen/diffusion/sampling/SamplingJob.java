package io.chatgen.diffusion.sampling;

import io.chatgen.core.InvalidRequestException;
import org.jspecify.annotations.Nullable;

/**
 * What one sampling run starts from.
 *
 * @param steps the requested steps (A1111's "Steps")
 * @param initialNoise standard normal noise, one value per latent element
 * @param initLatent for image-to-image, the encoded image (already scaled); null for
 *     text-to-image
 * @param denoisingStrength for image-to-image, in (0, 1]; null for text-to-image
 */
public record SamplingJob(
    int steps, double[] initialNoise, double @Nullable [] initLatent, @Nullable Double denoisingStrength) {

  public SamplingJob {
    if (steps < 1) {
      throw new InvalidRequestException("steps must be at least 1, was " + steps);
    }
    if (initialNoise == null || initialNoise.length == 0) {
      throw new InvalidRequestException("initialNoise must hold one value per latent element");
    }
    if ((initLatent == null) != (denoisingStrength == null)) {
      throw new InvalidRequestException(
          "image-to-image needs both an init latent and a denoising strength; give both or neither");
    }
    if (initLatent != null && initLatent.length != initialNoise.length) {
      throw new InvalidRequestException("init latent has " + initLatent.length
          + " values but the noise has " + initialNoise.length + "; they must match");
    }
    if (denoisingStrength != null && !(denoisingStrength > 0 && denoisingStrength <= 1)) {
      throw new InvalidRequestException("denoisingStrength must be in (0, 1], was " + denoisingStrength);
    }
  }

  /** A text-to-image job. */
  public static SamplingJob textToImage(int steps, double[] initialNoise) {
    return new SamplingJob(steps, initialNoise, null, null);
  }

  /** An image-to-image job. */
  public static SamplingJob imageToImage(int steps, double[] initialNoise, double[] initLatent, double strength) {
    return new SamplingJob(steps, initialNoise, initLatent, strength);
  }

  /** Whether this starts from an image. */
  public boolean isImageToImage() {
    return initLatent != null;
  }

  /**
   * A1111's {@code setup_img2img_steps} (without "img2img_fix_steps"): how many of the schedule's
   * steps are skipped is decided by {@code int(min(strength, 0.999) * steps)}.
   */
  int encodeSteps() {
    Double s = denoisingStrength;
    return s == null ? steps : (int) (Math.min(s, 0.999) * steps);
  }
}
