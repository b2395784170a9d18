package io.chatgen.core.spi;

import io.chatgen.core.stage.ParamConfigurator;

/** Offers a default {@link ParamConfigurator} to the pipeline builder through {@code ServiceLoader}. */
public interface ParamConfiguratorProvider {
  /** Creates the stage; may load shipped artifacts, so it is called once per pipeline. */
  ParamConfigurator create(StageContext context);

  /** Higher wins when several providers are on the classpath. */
  default int priority() {
    return 0;
  }

  /** A short name for messages and provenance. */
  default String name() {
    return getClass().getName();
  }
}
