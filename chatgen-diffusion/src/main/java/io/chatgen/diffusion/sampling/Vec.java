package io.chatgen.diffusion.sampling;

/** The few element-wise operations the samplers need on flat latents; all return new arrays. */
final class Vec {
  private Vec() {}

  /** {@code a * x + b * y}. */
  static double[] lin(double a, double[] x, double b, double[] y) {
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = a * x[i] + b * y[i];
    }
    return out;
  }

  /** {@code x + s * y}. */
  static double[] plus(double[] x, double s, double[] y) {
    return lin(1, x, s, y);
  }

  /** k-diffusion's {@code to_d}: {@code (x - denoised) / sigma}. */
  static double[] toD(double[] x, double sigma, double[] denoised) {
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = (x[i] - denoised[i]) / sigma;
    }
    return out;
  }

  static double[] scale(double s, double[] x) {
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = s * x[i];
    }
    return out;
  }
}
