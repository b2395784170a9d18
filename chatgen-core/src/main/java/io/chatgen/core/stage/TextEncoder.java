package io.chatgen.core.stage;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns text into a fixed-size vector, so that stages can share frozen text features without
 * depending on each other. Implementations say whether they are thread-safe.
 */
@FunctionalInterface
public interface TextEncoder {
  /**
   * Encodes a batch of texts; each result has {@link #dimension()} entries.
   *
   * @throws io.chatgen.core.ChatGenException when a text cannot be encoded
   */
  List<float[]> encode(List<String> texts);

  /** Encodes one text. */
  default float[] encode(String text) {
    return encode(List.of(text)).get(0);
  }

  /** The length of every vector. The default encodes an empty batch element to find out. */
  default int dimension() {
    return encode(new ArrayList<>(List.of(" "))).get(0).length;
  }

  /** A stable identifier of the encoder and its weights, recorded in what is trained on it. */
  default String id() {
    return getClass().getName();
  }
}
