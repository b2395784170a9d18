/**
 * The four stage interfaces of the pipeline, one abstract method each, so that any stage can be
 * replaced by the caller's own class or a lambda, plus {@link io.chatgen.core.stage.TextEncoder},
 * through which stages share frozen text features without depending on each other, and
 * {@link io.chatgen.core.stage.InstalledModels}, through which a generator that draws only installed
 * checkpoints tells the selector what it may choose.
 */
@NullMarked
package io.chatgen.core.stage;

import org.jspecify.annotations.NullMarked;
