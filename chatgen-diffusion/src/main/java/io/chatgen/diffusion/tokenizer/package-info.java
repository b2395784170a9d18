/**
 * The CLIP byte-pair-encoding tokenizer used by Stable Diffusion's text encoder, reading the
 * {@code vocab.json} and {@code merges.txt} distributed with SD models, with CLIP's text cleaning
 * and word pattern.
 */
@NullMarked
package io.chatgen.diffusion.tokenizer;

import org.jspecify.annotations.NullMarked;
