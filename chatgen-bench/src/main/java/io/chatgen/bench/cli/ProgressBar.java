package io.chatgen.bench.cli;

import io.chatgen.bench.eval.ProgressListener;
import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line text progress bar with rate and time left, redrawn in place on a stream (stderr, so
 * that it never mixes with output a script reads). Redraws at most every 200 ms. Not thread-safe.
 */
final class ProgressBar implements ProgressListener {
  private static final int WIDTH = 30;
  private static final long REDRAW_NANOS = 200_000_000L;
  /** Into a log file (no terminal), a line every few seconds is plenty. */
  private static final long REDRAW_NANOS_NO_TERMINAL = 5_000_000_000L;

  private final PrintStream out;
  private final String label;
  private final long start = System.nanoTime();
  private final long redrawNanos = System.console() == null ? REDRAW_NANOS_NO_TERMINAL : REDRAW_NANOS;
  private long lastDraw = System.nanoTime();

  ProgressBar(PrintStream out, String label) {
    this.out = out;
    this.label = label;
  }

  @Override
  public void onProgress(int done, int total) {
    long now = System.nanoTime();
    if (done < total && now - lastDraw < redrawNanos) {
      return;
    }
    lastDraw = now;
    out.print('\r' + line(done, total, (now - start) / 1e9));
    if (done >= total) {
      out.println();
    }
    out.flush();
  }

  String line(int done, int total, double seconds) {
    double frac = total == 0 ? 1 : (double) done / total;
    int filled = (int) Math.round(frac * WIDTH);
    double rate = seconds > 0 ? done / seconds : 0;
    double left = rate > 0 ? (total - done) / rate : 0;
    return String.format(Locale.ROOT, "%s [%s%s] %d/%d %3.0f%% %.1f req/s, %s left ",
        label, "#".repeat(filled), ".".repeat(WIDTH - filled), done, total, frac * 100, rate, clock(left));
  }

  private static String clock(double seconds) {
    long s = Math.round(seconds);
    return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }
}
