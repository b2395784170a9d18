/**
 * Finding checkpoint files: A1111's and Civitai's hashes of a file (SHA-256, AutoV2, the legacy
 * A1111 model hash), computed by streaming, and a resolver from a
 * {@link io.chatgen.core.ModelCard} to a {@code .safetensors} file in a local models folder, by
 * hash or else by file name; {@link io.chatgen.diffusion.checkpoint.InstalledCheckpoints} says
 * which catalog models a folder holds and makes cards for the SD 1.x files the catalog does not know.
 */
@NullMarked
package io.chatgen.diffusion.checkpoint;

import org.jspecify.annotations.NullMarked;
