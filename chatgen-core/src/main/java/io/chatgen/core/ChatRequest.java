package io.chatgen.core;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What a person asked for: the latest free-style message, optionally the earlier turns of the
 * conversation and reference images. These are ChatGen's three input kinds (single text,
 * history, multimodal).
 *
 * @param message the latest user message, not blank, at most {@value #MAX_MESSAGE_CHARS} characters
 * @param history earlier turns, oldest first (may be empty)
 * @param images reference images (may be empty)
 */
public record ChatRequest(String message, List<ChatTurn> history, List<ReferenceImage> images) {
  /** Longer messages are refused with a clear error rather than fed to the stages. */
  public static final int MAX_MESSAGE_CHARS = 100_000;

  public ChatRequest {
    Checks.notNull(message, "message");
    if (message.isBlank()) {
      throw new InvalidRequestException(
          "the chat message is empty: write what you would like to see, e.g. \"a girl reading in a rainy cafe\"");
    }
    Checks.maxLength(message, MAX_MESSAGE_CHARS, "the chat message");
    history = Checks.list(history, "history");
    images = Checks.list(images, "images");
  }

  /** A single free-style message. */
  public static ChatRequest of(String message) {
    return new ChatRequest(message, List.of(), List.of());
  }

  /** This request with reference images attached. */
  public ChatRequest withImages(List<ReferenceImage> refs) {
    List<ReferenceImage> all = new ArrayList<>(images);
    all.addAll(refs);
    return new ChatRequest(message, history, all);
  }

  /**
   * The conversation continued: this message becomes a user turn of the history and {@code next}
   * the new message. Images stay attached.
   */
  public ChatRequest followUp(String next) {
    List<ChatTurn> turns = new ArrayList<>(history);
    turns.add(ChatTurn.user(message));
    return new ChatRequest(next, turns, images);
  }

  /** The input kind: images win over history, history over a single message. */
  public InputKind kind() {
    if (!images.isEmpty()) {
      return InputKind.MULTIMODAL;
    }
    return history.stream().anyMatch(t -> t.role() == ChatTurn.Role.USER)
        ? InputKind.HISTORY
        : InputKind.SINGLE;
  }

  /** All user text, earlier turns first, one turn a line: what a text encoder should read. */
  public String userText() {
    List<String> parts = history.stream()
        .filter(t -> t.role() == ChatTurn.Role.USER)
        .map(ChatTurn::text)
        .collect(Collectors.toCollection(ArrayList::new));
    parts.add(message);
    return String.join("\n", parts);
  }
}
