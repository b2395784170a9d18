package io.chatgen.core.rewrite;

import io.chatgen.core.spi.PromptRewriterProvider;
import io.chatgen.core.spi.StageContext;
import io.chatgen.core.stage.PromptRewriter;

/**
 * Offers the {@link EmbeddedPromptRewriter} on the shipped vocabulary as every pipeline's default
 * rewriter. Priority 0: a provider with a language model behind it should outrank it.
 */
public final class EmbeddedPromptRewriterProvider implements PromptRewriterProvider {
  @Override
  public PromptRewriter create(StageContext context) {
    return EmbeddedPromptRewriter.create();
  }

  @Override
  public int priority() {
    return 0;
  }

  @Override
  public String name() {
    return "embedded";
  }
}
