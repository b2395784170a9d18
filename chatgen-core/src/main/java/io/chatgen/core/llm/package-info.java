/**
 * A small client for OpenAI-compatible chat-completion endpoints (vLLM, Ollama, llama.cpp
 * servers, hosted APIs), on the JDK's HTTP client with no SDK dependency.
 */
@NullMarked
package io.chatgen.core.llm;

import org.jspecify.annotations.NullMarked;
