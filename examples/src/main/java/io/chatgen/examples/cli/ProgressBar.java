package io.chatgen.examples.cli;

import io.chatgen.core.Stage;
import io.chatgen.core.pipeline.PipelineListener;
import java.io.PrintStream;
import java.time.Duration;

/** Draws denoising progress on one terminal line of standard error. */
final class ProgressBar implements PipelineListener {
  private static final int WIDTH = 30;
  private final PrintStream out;
  private final long start = System.nanoTime();

  ProgressBar(PrintStream out) {
    this.out = out;
  }

  @Override
  public void onStep(int step, int totalSteps) {
    int filled = totalSteps == 0 ? WIDTH : step * WIDTH / totalSteps;
    double secs = (System.nanoTime() - start) / 1e9;
    out.printf("\rrendering [%s%s] %d/%d steps  %.1fs", "#".repeat(filled), " ".repeat(WIDTH - filled),
        step, totalSteps, secs);
    if (step == totalSteps) {
      out.println();
    }
    out.flush();
  }

  @Override
  public void onStageEnd(Stage stage, Duration took) {
    // planning stages take milliseconds: the plan printout reports them
  }
}
