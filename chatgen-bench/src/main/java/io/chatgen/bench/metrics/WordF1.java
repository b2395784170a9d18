package io.chatgen.bench.metrics;

import io.chatgen.core.prompt.PromptParser;
import io.chatgen.core.rewrite.PromptOverlap;
import io.chatgen.core.text.Words;
import java.util.List;

/**
 * Word-level F1 (SQuAD's token F1), the project's one implementation
 * ({@link PromptOverlap#words}): both prompts read as A1111 prompts (weights, brackets and extra
 * networks such as {@code <lora:x:0.8>} are syntax, not words), split into lower-case words with
 * {@link Words#of}, overlap counted as a multiset. Both empty scores 1, one empty 0. Stateless and
 * thread-safe.
 */
public final class WordF1 implements PromptSimilarity {
  /** The shared instance. */
  public static final WordF1 INSTANCE = new WordF1();

  private WordF1() {}

  @Override
  public String name() {
    return "wordF1";
  }

  @Override
  public double similarity(String predicted, String reference) {
    return PromptOverlap.words(predicted, reference).f1();
  }

  /** Whether a text has any word to score against (an empty reference is not scored). */
  public static boolean hasWords(String text) {
    return !words(text).isEmpty();
  }

  /** The words the metric compares: the prompt's plain text, lower-cased. */
  public static List<String> words(String prompt) {
    return Words.of(PromptParser.parse(prompt).plainText());
  }
}
