package io.chatgen.modeltoken;

import io.chatgen.core.InvalidRequestException;
import io.chatgen.core.ModelCard;
import java.util.List;

/**
 * A model to add to a trained vocabulary: zero-shot from its card alone when {@code examples} is
 * empty, few-shot from a handful of example prompts otherwise.
 *
 * @param card the model's card; its name, tags, trigger words and description describe it
 * @param examples example prompts made with it (may be empty)
 */
public record NewModel(ModelCard card, List<String> examples) {
  public NewModel {
    if (card == null) {
      throw new InvalidRequestException("a new model needs its card");
    }
    examples = List.copyOf(examples);
    for (String e : examples) {
      if (e.isBlank()) {
        throw new InvalidRequestException("an example prompt of " + card.label() + " is blank");
      }
    }
  }

  /** A model known only by its card. */
  public static NewModel zeroShot(ModelCard card) {
    return new NewModel(card, List.of());
  }

  /** The text that stands for the card when there are no examples. */
  public String cardText() {
    StringBuilder sb = new StringBuilder(card.name());
    card.tags().forEach(t -> sb.append(", ").append(t));
    card.triggerWords().forEach(t -> sb.append(", ").append(t));
    if (!card.description().isBlank()) {
      sb.append(". ").append(card.description(), 0, Math.min(card.description().length(), 4000));
    }
    return sb.toString();
  }
}
