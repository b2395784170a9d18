package io.chatgen.core.prompt;

/**
 * A run of prompt text with one attention weight; {@link #isBreak()} marks a {@code BREAK}.
 *
 * @param text the text, brackets and weights removed, escapes resolved
 * @param weight the attention multiplier (1.0 plain; -1 marks BREAK, as in A1111)
 */
public record WeightedText(String text, double weight) {
  /** The marker A1111 puts where a prompt says {@code BREAK}. */
  public static final WeightedText BREAK = new WeightedText("BREAK", -1);

  public WeightedText {
    if (text == null) {
      throw new io.chatgen.core.InvalidRequestException("text must not be null");
    }
  }

  public boolean isBreak() {
    return weight == -1 && text.equals("BREAK");
  }
}
