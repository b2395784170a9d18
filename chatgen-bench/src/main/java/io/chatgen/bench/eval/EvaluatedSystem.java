package io.chatgen.bench.eval;

/**
 * Something the benchmark scores on every request: the pipeline or a baseline. Implement it to
 * add a baseline of your own ({@code Evaluation.builder().baseline(..)}).
 */
public interface EvaluatedSystem {
  /** A short, stable name used as the JSON key ("knn"). */
  String name();

  /** One line on what it does, for the report. */
  String description();

  /** Which outputs it produces; the metrics of the others are null. */
  Capabilities capabilities();

  /**
   * Predicts for one request. Must not throw: a failure is a {@link Prediction} with an error
   * (scored as wrong on every output the system claims to produce).
   */
  Prediction predict(EvalCase c);
}
