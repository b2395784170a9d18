package io.chatgen.core;

/** Rendering was cancelled by the caller through its progress listener. */
public class GenerationCancelledException extends ChatGenException {
  private static final long serialVersionUID = 1L;

  public GenerationCancelledException(String message) {
    super(message);
  }
}
