package io.chatgen.core.data;

import com.google.gson.JsonObject;
import io.chatgen.core.ChatRequest;
import io.chatgen.core.ChatTurn;
import io.chatgen.core.DataFormatException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A free-style request written for one demonstration (ChatGenBench style).
 *
 * @param imageId the demonstration it asks for
 * @param persona who is asking (role-play persona)
 * @param lang the language code ("en", "es", ...)
 * @param chat the request as one message
 * @param history the same request as 2-3 user turns, or empty
 */
public record ChatSample(long imageId, String persona, String lang, String chat, List<String> history) {
  public ChatSample {
    if (chat == null || chat.isBlank()) {
      throw new DataFormatException("field \"chat\" is missing or empty");
    }
    history = List.copyOf(history);
  }

  /** The request as one message. */
  public ChatRequest singleRequest() {
    return ChatRequest.of(chat);
  }

  /** The request as a conversation: earlier turns as history, the last turn as the message. */
  public Optional<ChatRequest> historyRequest() {
    if (history.size() < 2) {
      return Optional.empty();
    }
    List<ChatTurn> turns = new ArrayList<>();
    for (String t : history.subList(0, history.size() - 1)) {
      turns.add(ChatTurn.user(t));
    }
    return Optional.of(new ChatRequest(history.get(history.size() - 1), turns, List.of()));
  }

  /** Whether the request is not in English. */
  public boolean nonEnglish() {
    return !"en".equals(lang);
  }

  /** Reads {@code chats.jsonl} or {@code chats-train.jsonl}. */
  public static ReadResult<ChatSample> read(Path file, ReadMode mode) {
    return JsonLines.read(file, mode, ChatSample::fromJson);
  }

  /** Maps one line. */
  public static ChatSample fromJson(JsonObject o) {
    String lang = Json.optString(o, "lang");
    String persona = Json.optString(o, "persona");
    return new ChatSample(
        Json.longValue(o, "imageId"),
        persona == null ? "" : persona,
        lang == null ? "en" : lang,
        Json.string(o, "chat"),
        Json.strings(o, "history").stream().filter(s -> !s.isBlank()).toList());
  }
}
