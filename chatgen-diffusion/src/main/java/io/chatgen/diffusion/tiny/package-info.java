/**
 * The embedded ChatGen tiny demo model: a Stable Diffusion 1.x checkpoint in the real LDM key
 * layout, only much narrower, trained on procedurally rendered shapes with captions
 * ({@link io.chatgen.diffusion.tiny.ShapeScene}), so that the pipeline can draw a real image on a
 * machine that has no community checkpoint. {@link io.chatgen.diffusion.tiny.TrainTinyModel} is the
 * command that renders the training set, trains the VAE, text encoder and UNet with DJL autograd on
 * the CPU and writes the shipped files; {@link io.chatgen.diffusion.tiny.EmbeddedTinyModel} gives the
 * generator the shipped checkpoint, its tokenizer and an honest model card.
 */
@org.jspecify.annotations.NullMarked
package io.chatgen.diffusion.tiny;
