/**
 * The benchmark's metrics, each usable on its own: prompt similarities (word-F1, tag-F1 and a
 * BERTScore over a caller's token encoder, all behind {@link io.chatgen.bench.metrics.PromptSimilarity}),
 * exact-match parameter accuracy, top-k selection accuracy, latency percentiles, and the image
 * scorer interfaces with ChatGen's unified image score.
 */
@NullMarked
package io.chatgen.bench.metrics;

import org.jspecify.annotations.NullMarked;
