/**
 * ChatGenBench-style evaluation of the ChatGen pipeline: every step (prompt rewriting, model
 * selection, parameter configuration and, on request, the rendered images) is scored against
 * Civitai demonstrations, next to simple baselines, so that the weak step can be found. The
 * command line lives in {@code io.chatgen.bench.cli}, the runner in {@code io.chatgen.bench.eval},
 * the metrics in {@code io.chatgen.bench.metrics} and the JMH latency benchmarks in
 * {@code io.chatgen.bench.jmh}.
 */
@NullMarked
package io.chatgen.bench;

import org.jspecify.annotations.NullMarked;
