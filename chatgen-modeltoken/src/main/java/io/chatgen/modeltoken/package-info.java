/**
 * ModelToken model selection (ChatGen stage 2): a frozen text encoder gives features, every
 * checkpoint owns one learnable embedding (its ModelToken) in a {@link
 * io.chatgen.modeltoken.ModelTokenVocabulary}, {@link io.chatgen.modeltoken.ModelTokenTrainer}
 * trains only those embeddings with softmax cross-entropy, and {@link
 * io.chatgen.modeltoken.ModelTokenSelector} picks a model by predicting its token, blended with a
 * {@link io.chatgen.modeltoken.NeighbourMemory} of encoded prompts and with the words of model
 * names the request uses ({@link io.chatgen.modeltoken.NameMatch}), as a {@link
 * io.chatgen.modeltoken.Calibration} fitted on held-out chats weighs them. New models join a
 * trained vocabulary online, zero-shot from their card or few-shot from example prompts.
 */
@NullMarked
package io.chatgen.modeltoken;

import org.jspecify.annotations.NullMarked;
