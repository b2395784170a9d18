package io.chatgen.bench.eval;

import io.chatgen.core.ChatRequest;
import io.chatgen.core.data.ChatSample;
import java.util.Locale;

/** How a chat sample is put to the pipeline. */
public enum Variant {
  /**
   * As a conversation when the sample has one (its 2-3 turns, the last as the message), else as
   * one message: ChatGenBench's history input. The default.
   */
  HISTORY,
  /** Always as one message, even when the sample also has a multi-turn version. */
  SINGLE;

  /** The request this variant makes of a sample. */
  public ChatRequest request(ChatSample sample) {
    return this == HISTORY ? sample.historyRequest().orElseGet(sample::singleRequest) : sample.singleRequest();
  }

  /** Parses "history" or "single", ignoring case. */
  public static Variant parse(String text) {
    for (Variant v : values()) {
      if (v.name().equalsIgnoreCase(text.strip())) {
        return v;
      }
    }
    throw new IllegalArgumentException("unknown variant \"" + text + "\"; use history or single");
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
