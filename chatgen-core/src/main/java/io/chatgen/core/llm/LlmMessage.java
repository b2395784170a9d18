package io.chatgen.core.llm;

import io.chatgen.core.InvalidRequestException;
import java.util.List;

/**
 * One chat-completion message: a role, its text and, for vision endpoints, images as data URIs.
 *
 * @param role "system", "user" or "assistant"
 * @param text the text
 * @param imageDataUris images as {@code data:image/png;base64,...} URIs (may be empty)
 */
public record LlmMessage(String role, String text, List<String> imageDataUris) {
  public LlmMessage {
    if (!List.of("system", "user", "assistant").contains(role)) {
      throw new InvalidRequestException("role must be system, user or assistant, was " + role);
    }
    if (text == null) {
      throw new InvalidRequestException("message text must not be null");
    }
    imageDataUris = List.copyOf(imageDataUris);
  }

  public static LlmMessage system(String text) {
    return new LlmMessage("system", text, List.of());
  }

  public static LlmMessage user(String text) {
    return new LlmMessage("user", text, List.of());
  }

  public static LlmMessage assistant(String text) {
    return new LlmMessage("assistant", text, List.of());
  }
}
