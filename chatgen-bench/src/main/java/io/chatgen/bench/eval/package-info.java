/**
 * The evaluation runner: reads a benchmark data set, discovers the pipeline's stages on the
 * classpath (an absent stage is reported as absent, never scored as zero), runs the pipeline and
 * the baselines on every evaluated request, and writes {@code summary.json}, {@code report.md}
 * and {@code predictions.jsonl}.
 */
@NullMarked
package io.chatgen.bench.eval;

import org.jspecify.annotations.NullMarked;
