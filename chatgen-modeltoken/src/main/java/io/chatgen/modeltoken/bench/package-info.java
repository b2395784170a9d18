/**
 * The selection evaluation runner: ModelToken selection against TF-IDF baselines on the Civitai
 * chats, with training, expansion and latency timings; held-out explorations on chats-train
 * ({@link io.chatgen.modeltoken.bench.HeldOutTuning}, {@link io.chatgen.modeltoken.bench.HeldOutInstalled}).
 */
@NullMarked
package io.chatgen.modeltoken.bench;

import org.jspecify.annotations.NullMarked;
