/**
 * Command-line evaluation of parameter configuration on the Civitai chats: exact-match accuracy per parameter against the gold demonstration, baselines and latency.
 */
@NullMarked
package io.chatgen.params.bench;

import org.jspecify.annotations.NullMarked;
