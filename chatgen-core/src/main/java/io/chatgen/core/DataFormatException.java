package io.chatgen.core;

import org.jspecify.annotations.Nullable;

/**
 * A file (a data set line, a checkpoint, a vocabulary, an endpoint's answer) is not in the
 * expected format. The message names the file or source and, where known, the line.
 */
public class DataFormatException extends ChatGenException {
  private static final long serialVersionUID = 1L;

  public DataFormatException(String message) {
    super(message);
  }

  public DataFormatException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
