/**
 * Benchmarks of the Stable Diffusion model on DJL against the same computation in PyTorch (Python):
 * {@link io.chatgen.bench.diffusion.UnetBenchmark} times an SD 1.5-sized UNet step, the text encoder
 * and the VAE decoder with random weights and reports peak memory;
 * {@link io.chatgen.bench.diffusion.ModelsFolderBenchmark} what a models folder adds to building
 * the pipeline and planning.
 */
@NullMarked
package io.chatgen.bench.diffusion;

import org.jspecify.annotations.NullMarked;
