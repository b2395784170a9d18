package io.chatgen.core;

import org.jspecify.annotations.Nullable;

/**
 * How to render: sampler, steps, guidance, clip skip, size, seed and, for image-to-image, the
 * denoising strength. Validated against what any Stable Diffusion model accepts; a
 * per-architecture schema (in the configurator) narrows this further.
 *
 * @param sampler the sampler
 * @param steps denoising steps, 1 to {@value #MAX_STEPS}
 * @param cfgScale classifier-free guidance scale, finite, 0 to {@value #MAX_CFG}
 * @param clipSkip CLIP layers to skip from the end, 1 (none) to 12
 * @param width image width in pixels, a multiple of 8, 64 to {@value #MAX_SIDE}
 * @param height image height in pixels, a multiple of 8, 64 to {@value #MAX_SIDE}
 * @param seed the noise seed, 0 to 2^32-1 as in A1111
 * @param denoisingStrength for image-to-image, in (0, 1]; null for text-to-image
 */
public record GenerationParams(
    Sampler sampler,
    int steps,
    double cfgScale,
    int clipSkip,
    int width,
    int height,
    long seed,
    @Nullable Double denoisingStrength) {

  public static final int MAX_STEPS = 500;
  public static final double MAX_CFG = 50;
  public static final int MAX_SIDE = 4096;
  public static final long MAX_SEED = 0xFFFF_FFFFL;

  public GenerationParams {
    Checks.notNull(sampler, "sampler");
    if (steps < 1 || steps > MAX_STEPS) {
      throw new InvalidRequestException("steps must be 1 to " + MAX_STEPS + ", was " + steps);
    }
    if (!Double.isFinite(cfgScale) || cfgScale < 0 || cfgScale > MAX_CFG) {
      throw new InvalidRequestException("cfgScale must be a number from 0 to " + MAX_CFG + ", was " + cfgScale);
    }
    if (clipSkip < 1 || clipSkip > 12) {
      throw new InvalidRequestException("clipSkip must be 1 (no skip) to 12, was " + clipSkip);
    }
    checkSide(width, "width");
    checkSide(height, "height");
    if (seed < 0 || seed > MAX_SEED) {
      throw new InvalidRequestException("seed must be 0 to " + MAX_SEED + ", was " + seed);
    }
    if (denoisingStrength != null
        && !(denoisingStrength > 0 && denoisingStrength <= 1)) {
      throw new InvalidRequestException("denoisingStrength must be in (0, 1], was " + denoisingStrength);
    }
  }

  private static void checkSide(int side, String name) {
    if (side < 64 || side > MAX_SIDE || side % 8 != 0) {
      throw new InvalidRequestException(
          name + " must be a multiple of 8 from 64 to " + MAX_SIDE + ", was " + side);
    }
  }

  /** Common defaults for an SD 1.x model: DPM++ 2M Karras, 25 steps, CFG 7, 512x512. */
  public static GenerationParams defaults() {
    return new GenerationParams(Sampler.DPMPP_2M_KARRAS, 25, 7.0, 1, 512, 512, 0, null);
  }

  public GenerationParams withSampler(Sampler s) {
    return new GenerationParams(s, steps, cfgScale, clipSkip, width, height, seed, denoisingStrength);
  }

  public GenerationParams withSteps(int n) {
    return new GenerationParams(sampler, n, cfgScale, clipSkip, width, height, seed, denoisingStrength);
  }

  public GenerationParams withCfgScale(double cfg) {
    return new GenerationParams(sampler, steps, cfg, clipSkip, width, height, seed, denoisingStrength);
  }

  public GenerationParams withClipSkip(int skip) {
    return new GenerationParams(sampler, steps, cfgScale, skip, width, height, seed, denoisingStrength);
  }

  public GenerationParams withSize(int w, int h) {
    return new GenerationParams(sampler, steps, cfgScale, clipSkip, w, h, seed, denoisingStrength);
  }

  public GenerationParams withSeed(long s) {
    return new GenerationParams(sampler, steps, cfgScale, clipSkip, width, height, s, denoisingStrength);
  }

  public GenerationParams withDenoisingStrength(@Nullable Double strength) {
    return new GenerationParams(sampler, steps, cfgScale, clipSkip, width, height, seed, strength);
  }
}
