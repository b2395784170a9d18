/**
 * The Stable Diffusion image generator: resolves the planned checkpoint in a models folder (or
 * uses one given explicitly), loads it on DJL, conditions on the prompt and negative prompt the
 * way A1111 does, samples with classifier-free guidance from seeded Java noise (text-to-image or
 * image-to-image), decodes with the VAE, and registers itself as the pipeline's default
 * {@link io.chatgen.core.stage.ImageGenerator} when a checkpoint is configured.
 */
@NullMarked
package io.chatgen.diffusion.generate;

import org.jspecify.annotations.NullMarked;
