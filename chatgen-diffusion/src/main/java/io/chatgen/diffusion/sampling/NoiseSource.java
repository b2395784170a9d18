package io.chatgen.diffusion.sampling;

import java.util.Random;

/**
 * Standard normal noise for ancestral and SDE steps. Not thread-safe; one per request.
 */
@FunctionalInterface
public interface NoiseSource {
  /** The next {@code n} independent standard normal values. */
  double[] next(int n);

  /**
   * Noise from {@link Random#nextGaussian()} with the given seed: its algorithm is fixed by the
   * Java specification, so the same seed gives the same values on every JVM and machine.
   */
  static NoiseSource seeded(long seed) {
    return fromRandom(new Random(seed));
  }

  /** Noise drawn from the given generator (which the caller may also use for other draws). */
  static NoiseSource fromRandom(Random random) {
    return n -> {
      double[] out = new double[n];
      for (int i = 0; i < n; i++) {
        out[i] = random.nextGaussian();
      }
      return out;
    };
  }
}
