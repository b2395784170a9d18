package io.chatgen.diffusion.sampling;

import io.chatgen.core.GenerationCancelledException;
import io.chatgen.core.stage.DenoisingProgress;

/** Counts sampler steps, reports them and stops the run when the caller cancels. */
final class StepTracker {
  private final DenoisingProgress progress;
  private final int total;
  private int done;

  StepTracker(DenoisingProgress progress, int total) {
    this.progress = progress;
    this.total = total;
  }

  /** Polled before each step. */
  void beforeStep() {
    if (progress.isCancelled()) {
      throw new GenerationCancelledException(
          "generation cancelled by the caller after " + done + " of " + total + " steps");
    }
  }

  /** Called after each step. */
  void afterStep() {
    done++;
    progress.onStep(done, total);
  }
}
