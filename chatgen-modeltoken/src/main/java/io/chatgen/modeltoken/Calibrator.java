package io.chatgen.modeltoken;

import io.chatgen.core.InvalidRequestException;
import io.chatgen.core.stage.TextEncoder;
import io.chatgen.core.text.SparseVector;
import io.chatgen.modeltoken.encoder.HashedTextEncoder;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fits a {@link Calibration} on held-out (text, model) pairs in two steps: the ranking
 * (neighbour count, similarity power, floor, popularity prior, name match, and the balance of token
 * logits against the neighbour vote) by
 * held-out top-1 over a grid, ties broken by likelihood; then the sharpness, a common scale of
 * all scores that keeps the ranking, by minimising the negative log-likelihood. The held-out texts and
 * their demonstrations must have been kept out of the vocabulary's training data and of the
 * memory, or the fit would trust the memory too much.
 */
public final class Calibrator {
  private static final Logger log = LoggerFactory.getLogger(Calibrator.class);
  private static final double[] TEMPERATURES = {0.35, 0.5, 0.7, 1.0, 1.4, 2.0, 2.8, 4.0, 5.6, 8.0};
  private static final double[] WEIGHTS = {0.0, 0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 5.0, 8.0};
  private static final int[] NEIGHBOURS = {10, 30};
  private static final double[] FLOORS = {0.003, 0.03, 0.3};
  private static final double[] POWERS = {1.0, 2.0, 4.0};
  private static final double[] PRIORS = {0.0, 0.25, 0.5, 1.0};
  private static final double[] NAME_WEIGHTS = {0.0, 0.1, 0.2, 0.3, 0.5};
  private static final double[] SCALES = {0.25, 0.35, 0.5, 0.7, 0.85, 1.0, 1.2, 1.4, 2.0, 2.8, 4.0};

  private Calibrator() {}

  /**
   * The result of a fit.
   *
   * @param calibration the best setting
   * @param nll its mean negative log-likelihood
   * @param top1 its (weighted) top-1 accuracy on the held-out pairs
   * @param top1TokensOnly top-1 of the ModelToken scores alone
   * @param top1NeighboursOnly top-1 of the neighbour vote alone
   */
  public record Result(Calibration calibration, double nll, double top1, double top1TokensOnly,
      double top1NeighboursOnly) {}

  /** Fits on held-out pairs whose models are all in the vocabulary, each weighing the same. */
  public static Result fit(ModelTokenVocabulary vocabulary, NeighbourMemory memory, TextEncoder encoder,
      HashedTextEncoder featurizer, List<LabeledText> heldOut) {
    double[] ones = new double[heldOut.size()];
    java.util.Arrays.fill(ones, 1.0);
    return fit(vocabulary, memory, encoder, featurizer, heldOut, ones);
  }

  /**
   * Fits on weighted held-out pairs: the weights correct for a held-out set drawn differently
   * from the requests the selector will see (e.g. one chat per model, where requests come one per
   * demonstration, so a model's weight is its number of demonstrations).
   */
  public static Result fit(ModelTokenVocabulary vocabulary, NeighbourMemory memory, TextEncoder encoder,
      HashedTextEncoder featurizer, List<LabeledText> heldOut, double[] weights) {
    if (heldOut.isEmpty()) {
      throw new InvalidRequestException("calibration needs held-out pairs");
    }
    if (weights.length != heldOut.size()) {
      throw new InvalidRequestException(weights.length + " weights for " + heldOut.size() + " held-out pairs");
    }
    double weightSum = 0;
    for (double w0 : weights) {
      if (!(w0 >= 0)) {
        throw new InvalidRequestException("calibration weights must be >= 0, got " + w0);
      }
      weightSum += w0;
    }
    int m = vocabulary.size();
    int d = vocabulary.dimension();
    float[] w = vocabulary.matrixView();
    int n = heldOut.size();
    float[][] logits = new float[n][m];
    double[][][][] shares = new double[NEIGHBOURS.length][POWERS.length][n][m];
    double[] logPrior = new double[m];
    for (Map.Entry<Long, Integer> en : memory.documentsPerModel().entrySet()) {
      int idx = vocabulary.indexOf(en.getKey()).orElse(-1);
      if (idx >= 0) {
        logPrior[idx] = Math.log(en.getValue() + 1.0);
      }
    }
    int[] gold = new int[n];
    NameMatch nameMatch = NameMatch.of(vocabulary.cards());
    double[][] names = new double[n][];
    for (int i = 0; i < n; i++) {
      LabeledText t = heldOut.get(i);
      gold[i] = vocabulary.indexOf(t.modelId()).orElseThrow(
          () -> new InvalidRequestException("held-out model " + t.modelId() + " is not in the vocabulary"));
      names[i] = nameMatch.scores(t.text());
      float[] e = encoder.encode(t.text());
      for (int r = 0; r < m; r++) {
        double s = 0;
        for (int k = 0; k < d; k++) {
          s += w[r * d + k] * e[k];
        }
        logits[i][r] = (float) s;
      }
      SparseVector f = featurizer.features(t.text());
      for (int kk = 0; kk < NEIGHBOURS.length; kk++) {
        for (int pp = 0; pp < POWERS.length; pp++) {
          Map<Long, Double> v = f.size() == 0 ? Map.of() : memory.vote(f, NEIGHBOURS[kk], POWERS[pp]);
          double total = v.values().stream().mapToDouble(Double::doubleValue).sum();
          for (Map.Entry<Long, Double> en : v.entrySet()) {
            int idx = vocabulary.indexOf(en.getKey()).orElse(-1);
            if (idx >= 0) {
              shares[kk][pp][i][idx] = en.getValue() / total;
            }
          }
        }
      }
    }
    boolean[] all = new boolean[m];
    java.util.Arrays.fill(all, true);
    // the ranking by weighted top-1 over the grid (no softmax needed: argmax of the blended score),
    // likelihood only for the best few settings
    Calibration bestC = null;
    double bestTop1 = -1;
    int bestK = 0;
    int bestP = 0;
    double[] z = new double[m];
    for (int kk = 0; kk < NEIGHBOURS.length; kk++) {
      for (int pp = 0; pp < POWERS.length; pp++) {
        for (double floor : FLOORS) {
          double lf = Math.log(floor);
          for (double t : TEMPERATURES) {
            for (double lambda : WEIGHTS) {
              for (double prior : PRIORS) {
                for (double nw : NAME_WEIGHTS) {
                  double hits = 0;
                  for (int i = 0; i < n; i++) {
                    double[] sh = shares[kk][pp][i];
                    float[] lg = logits[i];
                    double[] nm = names[i];
                    int arg = 0;
                    double best = Double.NEGATIVE_INFINITY;
                    for (int r = 0; r < m; r++) {
                      double v = lg[r] / t + lambda * (sh[r] > 0 ? Math.log(sh[r] + floor) : lf) + prior * logPrior[r]
                          + nw * nm[r];
                      if (v > best) {
                        best = v;
                        arg = r;
                      }
                    }
                    hits += arg == gold[i] ? weights[i] : 0;
                  }
                  double top1 = hits / weightSum;
                  if (top1 > bestTop1 + 1e-12) {
                    bestTop1 = top1;
                    bestC = new Calibration(t, lambda, NEIGHBOURS[kk], floor, POWERS[pp], prior, nw);
                    bestK = kk;
                    bestP = pp;
                  }
                }
              }
            }
          }
        }
      }
    }
    Result best = new Result(bestC,
        nll(bestC, logits, shares[bestK][bestP], logPrior, names, gold, weights, all) / weightSum, bestTop1, 0, 0);
    // then the sharpness: scaling all scores keeps the ranking and calibrates the probabilities
    Result ranked = best;
    for (double scale : SCALES) {
      Calibration c = new Calibration(ranked.calibration().temperature() / scale,
          ranked.calibration().neighbourWeight() * scale, ranked.calibration().neighbours(), ranked.calibration().floor(),
          ranked.calibration().similarityPower(), ranked.calibration().priorWeight() * scale,
          ranked.calibration().nameWeight() * scale);
      double nll = nll(c, logits, shares[bestK][bestP], logPrior, names, gold, weights, all) / weightSum;
      if (nll < best.nll()) {
        best = new Result(c, nll, ranked.top1(), 0, 0);
      }
    }
    double tok = 0;
    double nb = 0;
    for (int i = 0; i < n; i++) {
      double[] l = new double[m];
      for (int r = 0; r < m; r++) {
        l[r] = logits[i][r];
      }
      tok += argmax(l) == gold[i] ? weights[i] : 0;
      nb += argmax(shares[0][0][i]) == gold[i] && shares[0][0][i][gold[i]] > 0 ? weights[i] : 0;
    }
    Result r = new Result(best.calibration(), best.nll(), best.top1(), tok / weightSum, nb / weightSum);
    log.info("calibration {} on {} held-out pairs: nll {} top-1 {}", r.calibration(), n, r.nll(), r.top1());
    return r;
  }

  private static double nll(Calibration c, float[][] logits, double[][] shares, double[] logPrior, double[][] names,
      int[] gold, double[] weights, boolean[] all) {
    double nll = 0;
    for (int i = 0; i < logits.length; i++) {
      double[] p = c.blend(logits[i], shares[i], logPrior, names[i], all);
      nll -= weights[i] * Math.log(Math.max(p[gold[i]], 1e-12));
    }
    return nll;
  }

  private static int argmax(double[] a) {
    int b = 0;
    for (int i = 1; i < a.length; i++) {
      if (a[i] > a[b]) {
        b = i;
      }
    }
    return b;
  }
}
