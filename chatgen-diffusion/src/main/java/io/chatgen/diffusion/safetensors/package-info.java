/**
 * Reading and writing the {@code .safetensors} format: a little-endian header length, a JSON header
 * that names each tensor's dtype, shape and byte range, then the raw data. The reader validates the
 * whole header before it trusts any of it and maps each tensor's bytes lazily, so a multi-gigabyte
 * checkpoint never has to fit in the Java heap; pickle checkpoints ({@code .ckpt}, {@code .pt}) are
 * refused because loading them can run arbitrary code.
 */
@NullMarked
package io.chatgen.diffusion.safetensors;

import org.jspecify.annotations.NullMarked;
