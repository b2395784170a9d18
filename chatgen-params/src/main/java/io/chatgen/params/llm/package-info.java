/**
 * The LLM variant of in-context configuration: the documentation, retrieved demonstrations and request formatted as a prompt for an OpenAI-compatible chat-completion endpoint, and a tolerant parser that validates and repairs the answer.
 */
@NullMarked
package io.chatgen.params.llm;

import org.jspecify.annotations.NullMarked;
