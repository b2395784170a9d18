/**
 * The composable pipeline: {@link io.chatgen.core.pipeline.ChatGen} runs rewrite, select,
 * configure and generate, reporting to a {@link io.chatgen.core.pipeline.PipelineListener}.
 */
@NullMarked
package io.chatgen.core.pipeline;

import org.jspecify.annotations.NullMarked;
