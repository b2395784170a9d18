package io.chatgen.core.pipeline;

import io.chatgen.core.Stage;
import java.time.Duration;

/**
 * Sees each stage start and end and each denoising step. Called on the thread that runs the
 * request; a listener shared by a pipeline used from many threads must be thread-safe. Every
 * method has an empty default, so implement only what you need.
 */
public interface PipelineListener {
  PipelineListener NONE = new PipelineListener() {};

  default void onStageStart(Stage stage) {}

  default void onStageEnd(Stage stage, Duration took) {}

  default void onStep(int step, int totalSteps) {}

  /** Polled before each denoising step; true cancels rendering. */
  default boolean isCancelled() {
    return false;
  }
}
