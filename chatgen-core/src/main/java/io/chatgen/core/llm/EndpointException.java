package io.chatgen.core.llm;

import io.chatgen.core.ChatGenException;
import org.jspecify.annotations.Nullable;

/** A chat-completion endpoint failed, timed out or answered something unusable. */
public class EndpointException extends ChatGenException {
  private static final long serialVersionUID = 1L;

  public EndpointException(String message) {
    super(message);
  }

  public EndpointException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
