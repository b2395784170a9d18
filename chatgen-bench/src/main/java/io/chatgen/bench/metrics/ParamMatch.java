package io.chatgen.bench.metrics;

import io.chatgen.core.GenerationParams;
import io.chatgen.core.Param;
import io.chatgen.core.Sampler;
import io.chatgen.core.data.Demonstration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Exact-match scoring of configured parameters against a demonstration, ChatGenBench's
 * parameter accuracy: each of {@link #SCORED} is compared only where the demonstration states it
 * (the sampler by canonical name, custom variants mapped with {@link Sampler#closest}); a
 * request's accuracy is the mean over its stated parameters.
 */
public final class ParamMatch {
  /** The parameters scored, in report order. The seed is never scored. */
  public static final List<Param> SCORED =
      List.of(Param.SAMPLER, Param.STEPS, Param.CFG_SCALE, Param.WIDTH, Param.HEIGHT, Param.CLIP_SKIP);

  /** CFG values are compared as decimals written with at most a few digits. */
  private static final double CFG_TOLERANCE = 1e-6;

  private ParamMatch() {}

  /**
   * Which stated parameters the prediction got right.
   *
   * @return for each parameter of {@link #SCORED} that the demonstration states, whether the
   *     prediction equals it; parameters the demonstration leaves out are absent
   */
  public static Map<Param, Boolean> compare(GenerationParams predicted, Demonstration gold) {
    Map<Param, Boolean> out = new EnumMap<>(Param.class);
    Optional<Sampler> sampler = gold.sampler();
    sampler.ifPresent(s -> out.put(Param.SAMPLER, predicted.sampler() == s));
    if (gold.steps() != null) {
      out.put(Param.STEPS, predicted.steps() == gold.steps());
    }
    if (gold.cfgScale() != null) {
      out.put(Param.CFG_SCALE, Math.abs(predicted.cfgScale() - gold.cfgScale()) < CFG_TOLERANCE);
    }
    if (gold.width() != null) {
      out.put(Param.WIDTH, predicted.width() == gold.width());
    }
    if (gold.height() != null) {
      out.put(Param.HEIGHT, predicted.height() == gold.height());
    }
    if (gold.clipSkip() != null) {
      out.put(Param.CLIP_SKIP, predicted.clipSkip() == gold.clipSkip());
    }
    return out;
  }

  /**
   * The request's accuracy: the share of stated parameters matched, or empty when the
   * demonstration states none (such a request is not scored).
   */
  public static Optional<Double> accuracy(Map<Param, Boolean> matches) {
    if (matches.isEmpty()) {
      return Optional.empty();
    }
    long right = matches.values().stream().filter(b -> b).count();
    return Optional.of((double) right / matches.size());
  }
}
