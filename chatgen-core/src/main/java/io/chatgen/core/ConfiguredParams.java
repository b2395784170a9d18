package io.chatgen.core;

import java.util.Map;

/**
 * A configurator's answer: the parameters and, for each, why it was chosen (which
 * documentation line, which demonstrations, which user wish).
 *
 * @param params the parameters
 * @param reasons a short human explanation per parameter; may omit parameters
 */
public record ConfiguredParams(GenerationParams params, Map<Param, String> reasons) {
  public ConfiguredParams {
    Checks.notNull(params, "params");
    reasons = Checks.map(reasons, "reasons");
  }

  /** Parameters with no explanations (e.g. from a caller's lambda). */
  public static ConfiguredParams of(GenerationParams params) {
    return new ConfiguredParams(params, Map.of());
  }
}
