/**
 * Stable Diffusion 1.x built from DJL NDArray operations on the tensors of a single-file checkpoint
 * in the original LDM key layout: the CLIP ViT-L/14 text encoder, the UNet with cross-attention and
 * the KL autoencoder (VAE). The architecture (widths, levels, blocks, attention placement, depth) is
 * read from the tensor shapes, so smaller checkpoints with the same layout load through the same
 * code. {@link io.chatgen.diffusion.model.StableDiffusionModel} is the entry point.
 */
@NullMarked
package io.chatgen.diffusion.model;

import org.jspecify.annotations.NullMarked;
