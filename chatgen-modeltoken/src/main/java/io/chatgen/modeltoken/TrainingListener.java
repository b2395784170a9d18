package io.chatgen.modeltoken;

/** Hears how training goes, once per epoch (or expansion step block). */
@FunctionalInterface
public interface TrainingListener {
  /** Called after each epoch. */
  void onEpoch(EpochStats stats);

  /** Ignores everything. */
  static TrainingListener none() {
    return s -> { };
  }

  /**
   * One epoch's figures.
   *
   * @param epoch 1-based
   * @param loss mean softmax cross-entropy over the epoch's batches
   * @param accuracy share of training texts whose own token scored highest
   * @param millis wall time of the epoch
   */
  record EpochStats(int epoch, double loss, double accuracy, long millis) {}
}
