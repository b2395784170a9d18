/**
 * A1111's prompt conditioning: weighted prompt segments tokenized and cut into 75-token chunks
 * (backing up to a recent comma, a new chunk at every BREAK), each wrapped in BOS/EOS, encoded by
 * the text model, scaled by the per-token weights with the original mean restored ("emphasis"),
 * and concatenated; the negative prompt is padded to the same number of chunks.
 */
@NullMarked
package io.chatgen.diffusion.conditioning;

import org.jspecify.annotations.NullMarked;
