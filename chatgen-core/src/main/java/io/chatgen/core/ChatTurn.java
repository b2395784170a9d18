package io.chatgen.core;

/**
 * One earlier turn of a conversation.
 *
 * @param role who said it
 * @param text what was said, not blank
 */
public record ChatTurn(Role role, String text) {
  /** Who said a turn. */
  public enum Role {
    USER,
    ASSISTANT
  }

  public ChatTurn {
    Checks.notNull(role, "role");
    Checks.notBlank(text, "turn text");
    Checks.maxLength(text, ChatRequest.MAX_MESSAGE_CHARS, "turn text");
  }

  public static ChatTurn user(String text) {
    return new ChatTurn(Role.USER, text);
  }

  public static ChatTurn assistant(String text) {
    return new ChatTurn(Role.ASSISTANT, text);
  }
}
