package io.chatgen.core;

import org.jspecify.annotations.Nullable;

/**
 * The one unchecked exception family at the SDK boundary. Messages say what was wrong, with which
 * value or file, and what to do; engine exceptions (DJL, I/O) are wrapped as the cause.
 */
public class ChatGenException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ChatGenException(String message) {
    super(message);
  }

  public ChatGenException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
