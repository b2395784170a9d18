package io.chatgen.bench.eval;

/** Hears how far an evaluation has come (e.g. to draw a progress bar). */
public interface ProgressListener {
  /** Does nothing. */
  ProgressListener NONE = (done, total) -> { };

  /** Called after each evaluated request, from the evaluating thread. */
  void onProgress(int done, int total);
}
