/**
 * Stable Diffusion 1.x on DJL: single-file checkpoints read safely ({@code safetensors}), the text
 * encoder, UNet and VAE built from their tensors ({@code model}), and the pieces that turn a
 * generation plan into a PNG (tokenizer, conditioning, samplers, PNG metadata, checkpoint
 * resolution and the {@code ImageGenerator}).
 */
@NullMarked
package io.chatgen.diffusion;

import org.jspecify.annotations.NullMarked;
