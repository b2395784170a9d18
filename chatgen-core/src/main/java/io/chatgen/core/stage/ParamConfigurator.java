package io.chatgen.core.stage;

import io.chatgen.core.ChatRequest;
import io.chatgen.core.ConfiguredParams;
import io.chatgen.core.ModelChoice;
import io.chatgen.core.RewrittenPrompt;

/**
 * Stage 3: configures sampler, steps, CFG, clip skip, size and seed for the chosen model,
 * seeing the chat, the prompt and the choice. The pipeline passes the rewritten prompt as the
 * selector saw it, before {@link PromptRewriter#adaptToModel} added the chosen model's words.
 */
@FunctionalInterface
public interface ParamConfigurator {
  /**
   * Configures parameters for the chosen model.
   *
   * @throws io.chatgen.core.ChatGenException when the request asks for impossible values
   */
  ConfiguredParams configure(ChatRequest request, RewrittenPrompt prompt, ModelChoice choice);
}
