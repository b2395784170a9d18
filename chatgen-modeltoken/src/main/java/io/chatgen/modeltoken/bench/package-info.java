/**
 * The selection evaluation runner: ModelToken selection against TF-IDF baselines on the Civitai
 * chats, with training, expansion and latency timings.
 */
@NullMarked
package io.chatgen.modeltoken.bench;

import org.jspecify.annotations.NullMarked;
