package io.chatgen.core;

/** ChatGen's three kinds of input, used to break results down. */
public enum InputKind {
  /** One free-style message. */
  SINGLE,
  /** A message with earlier turns that it adds to or revises. */
  HISTORY,
  /** A message with one or more reference images. */
  MULTIMODAL
}
