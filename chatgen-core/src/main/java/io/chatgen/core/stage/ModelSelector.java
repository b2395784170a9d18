package io.chatgen.core.stage;

import io.chatgen.core.ChatRequest;
import io.chatgen.core.ModelChoice;
import io.chatgen.core.RewrittenPrompt;

/** Stage 2: picks the checkpoint for a request, seeing the chat and the rewritten prompt. */
@FunctionalInterface
public interface ModelSelector {
  /**
   * Ranks checkpoints for a request.
   *
   * @throws io.chatgen.core.ChatGenException when no model can be chosen
   */
  ModelChoice select(ChatRequest request, RewrittenPrompt prompt);
}
