package io.chatgen.core;

import java.util.List;

/**
 * The professional prompt written from a chat, in A1111 syntax.
 *
 * @param prompt the positive prompt, not blank, at most {@value #MAX_CHARS} characters
 * @param negativePrompt the negative prompt, possibly empty
 * @param notes what the rewriter wants the user to know (e.g. that part of the request was not
 *     understood)
 */
public record RewrittenPrompt(String prompt, String negativePrompt, List<String> notes) {
  public static final int MAX_CHARS = 8_000;

  public RewrittenPrompt {
    Checks.notBlank(prompt, "prompt");
    Checks.maxLength(prompt, MAX_CHARS, "prompt");
    Checks.notNull(negativePrompt, "negativePrompt");
    Checks.maxLength(negativePrompt, MAX_CHARS, "negativePrompt");
    notes = Checks.list(notes, "notes");
  }

  public RewrittenPrompt(String prompt, String negativePrompt) {
    this(prompt, negativePrompt, List.of());
  }
}
