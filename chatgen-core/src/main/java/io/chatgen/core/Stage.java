package io.chatgen.core;

/** The pipeline's stages, in order. */
public enum Stage {
  REWRITE,
  SELECT,
  CONFIGURE,
  GENERATE
}
