package io.chatgen.core.spi;

import io.chatgen.core.stage.PromptRewriter;

/** Offers a default {@link PromptRewriter} to the pipeline builder through {@code ServiceLoader}. */
public interface PromptRewriterProvider {
  /** Creates the stage; may load shipped artifacts, so it is called once per pipeline. */
  PromptRewriter create(StageContext context);

  /** Higher wins when several providers are on the classpath. */
  default int priority() {
    return 0;
  }

  /** A short name for messages and provenance. */
  default String name() {
    return getClass().getName();
  }
}
