/**
 * Stage 1, prompt rewriting: turns a free-style chat (one message, a conversation, reference
 * images) into a tag-style A1111 prompt and negative prompt. {@link
 * io.chatgen.core.rewrite.EmbeddedPromptRewriter} needs no language model: it works from a small
 * vocabulary of community tag statistics shipped as a resource and rebuilt by {@link
 * io.chatgen.core.rewrite.build.RewriteVocabularyBuilder}; {@link
 * io.chatgen.core.rewrite.LlmPromptRewriter} asks an OpenAI-compatible endpoint instead; {@link
 * io.chatgen.core.rewrite.RetrievalPromptRewriter} follows the most similar prompt of demonstrations
 * given at run time, over either. {@link
 * io.chatgen.core.rewrite.PromptOverlap} holds the word- and tag-level F1 used to measure both.
 */
@NullMarked
package io.chatgen.core.rewrite;

import org.jspecify.annotations.NullMarked;
