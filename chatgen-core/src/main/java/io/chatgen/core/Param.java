package io.chatgen.core;

/** The generation parameters a configurator chooses, used to key explanations and scores. */
public enum Param {
  SAMPLER("sampler"),
  STEPS("steps"),
  CFG_SCALE("cfgScale"),
  CLIP_SKIP("clipSkip"),
  WIDTH("width"),
  HEIGHT("height"),
  SEED("seed"),
  DENOISING_STRENGTH("denoisingStrength");

  private final String jsonName;

  Param(String jsonName) {
    this.jsonName = jsonName;
  }

  /** The field name used in data files and JSON output ("cfgScale"). */
  public String jsonName() {
    return jsonName;
  }
}
