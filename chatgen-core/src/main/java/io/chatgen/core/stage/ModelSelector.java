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

  /**
   * A selector that chooses only among installed models. By default this selector's answers are
   * filtered to them and renormalised (a request whose ranking holds none of them is an error); a
   * selector that can search its whole catalog for them, and add installed models it does not
   * know, overrides this. This selector is unchanged; the result may use it, so keep it open as
   * long as the result is used.
   *
   * @throws io.chatgen.core.ChatGenException when a selector that searches its catalog finds
   *     nothing installed to choose from
   */
  default ModelSelector restrictedTo(InstalledModels installed) {
    return new InstalledOnlySelector(this, installed);
  }
}
