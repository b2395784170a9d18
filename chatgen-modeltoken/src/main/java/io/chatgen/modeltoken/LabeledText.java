package io.chatgen.modeltoken;

import io.chatgen.core.InvalidRequestException;

/**
 * One training pair: a text (a prompt or a chat request) and the model that made its image.
 *
 * @param text the text, not blank
 * @param modelId the catalog model id
 */
public record LabeledText(String text, long modelId) {
  public LabeledText {
    if (text == null || text.isBlank()) {
      throw new InvalidRequestException("a training text must not be blank (model " + modelId + ")");
    }
  }
}
