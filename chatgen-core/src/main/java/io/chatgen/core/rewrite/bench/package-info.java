/**
 * The command-line evaluation of prompt rewriters on {@code chats.jsonl}: word- and tag-level F1
 * against each demonstration's prompt and negative prompt, broken down by input kind and split,
 * with the raw-chat baseline and latency in the same run.
 */
@NullMarked
package io.chatgen.core.rewrite.bench;

import org.jspecify.annotations.NullMarked;
