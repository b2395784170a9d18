package io.chatgen.core;

/** The pipeline needs a stage that was neither given to the builder nor found on the classpath. */
public class MissingStageException extends ChatGenException {
  private static final long serialVersionUID = 1L;

  public MissingStageException(String message) {
    super(message);
  }
}
