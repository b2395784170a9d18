package io.chatgen.diffusion.sampling;

/**
 * Coefficients of the linear multistep method over the sigmas: the integral from
 * {@code sigmas[i]} to {@code sigmas[i+1]} of the Lagrange basis polynomial of the j-th most
 * recent point. k-diffusion integrates numerically (scipy's quad); the integrand is a polynomial
 * of degree at most 3, which 4-point Gauss-Legendre integrates exactly.
 */
final class LinearMultistep {
  private static final double[] NODES = {
    -0.8611363115940526, -0.3399810435848563, 0.3399810435848563, 0.8611363115940526};
  private static final double[] WEIGHTS = {
    0.3478548451374538, 0.6521451548625461, 0.6521451548625461, 0.3478548451374538};

  private LinearMultistep() {}

  static double coefficient(int order, double[] t, int i, int j) {
    if (order - 1 > i) {
      throw new IllegalArgumentException("order " + order + " too high for step " + i);
    }
    double a = t[i];
    double b = t[i + 1];
    double half = (b - a) / 2;
    double mid = (a + b) / 2;
    double sum = 0;
    for (int q = 0; q < NODES.length; q++) {
      double tau = mid + half * NODES[q];
      double prod = 1;
      for (int k = 0; k < order; k++) {
        if (k != j) {
          prod *= (tau - t[i - k]) / (t[i - j] - t[i - k]);
        }
      }
      sum += WEIGHTS[q] * prod;
    }
    return sum * half;
  }
}
