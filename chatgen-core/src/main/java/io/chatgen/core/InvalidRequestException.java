package io.chatgen.core;

/** A value the caller supplied (a chat, a parameter, an override) is not acceptable. */
public class InvalidRequestException extends ChatGenException {
  private static final long serialVersionUID = 1L;

  public InvalidRequestException(String message) {
    super(message);
  }
}
