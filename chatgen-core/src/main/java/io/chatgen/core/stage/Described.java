package io.chatgen.core.stage;

/**
 * Implemented by stages that can say what they are and which version of trained artifacts they
 * run, recorded in each plan's provenance. Stages that do not implement it are recorded by class.
 */
public interface Described {
  /** E.g. "ModelTokenSelector vocabulary v1 (2381 tokens, encoder hashed-tags-256)". */
  String describe();
}
