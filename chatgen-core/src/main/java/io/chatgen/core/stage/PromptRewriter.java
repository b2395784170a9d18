package io.chatgen.core.stage;

import io.chatgen.core.ChatRequest;
import io.chatgen.core.RewrittenPrompt;

/** Stage 1: writes the professional prompt and negative prompt for a free-style chat. */
@FunctionalInterface
public interface PromptRewriter {
  /**
   * Rewrites a chat.
   *
   * @throws io.chatgen.core.ChatGenException when the request cannot be rewritten
   */
  RewrittenPrompt rewrite(ChatRequest request);

  /**
   * Called after model selection so that the rewriter can fit the prompt to the chosen model
   * (e.g. add its trigger words). The default returns the prompt unchanged.
   */
  default RewrittenPrompt adaptToModel(RewrittenPrompt prompt, io.chatgen.core.ModelCard model) {
    return prompt;
  }
}
