/**
 * Frozen text encoders for model selection: the embedded {@link
 * io.chatgen.modeltoken.encoder.HashedTextEncoder} (hashed word and bigram TF-IDF, learned from
 * the train prompts, shipped as a small resource) and {@link
 * io.chatgen.modeltoken.encoder.TorchScriptTextEncoder}, an adapter for a user-supplied
 * TorchScript sentence encoder with its HuggingFace {@code tokenizer.json}.
 */
@NullMarked
package io.chatgen.modeltoken.encoder;

import org.jspecify.annotations.NullMarked;
