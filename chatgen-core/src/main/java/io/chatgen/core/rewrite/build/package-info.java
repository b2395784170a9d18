/**
 * The command that derives the embedded rewriter's vocabulary (style families, tag statistics,
 * chat-word to community-tag associations, negative prompts per family) from the {@code train}
 * demonstrations and the chat-to-prompt pairs of {@code chats-train.jsonl}.
 */
@NullMarked
package io.chatgen.core.rewrite.build;

import org.jspecify.annotations.NullMarked;
