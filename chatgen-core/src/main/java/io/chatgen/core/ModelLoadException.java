package io.chatgen.core;

import org.jspecify.annotations.Nullable;

/** A model, checkpoint or trained artifact could not be loaded; the message names the file. */
public class ModelLoadException extends ChatGenException {
  private static final long serialVersionUID = 1L;

  public ModelLoadException(String message) {
    super(message);
  }

  public ModelLoadException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
