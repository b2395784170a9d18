package io.chatgen.core.stage;

/**
 * Receives progress while an image is rendered, and can cancel it. Implementations are called
 * from the rendering thread.
 */
@FunctionalInterface
public interface DenoisingProgress {
  /** Ignores progress, never cancels. */
  DenoisingProgress NONE = (step, total) -> {};

  /** Called after each denoising step; {@code step} counts from 1 to {@code totalSteps}. */
  void onStep(int step, int totalSteps);

  /**
   * Polled before each step; returning true stops rendering with a
   * {@link io.chatgen.core.GenerationCancelledException}.
   */
  default boolean isCancelled() {
    return false;
  }
}
