/**
 * Service-provider interfaces through which stage modules offer their embedded defaults to
 * {@link io.chatgen.core.pipeline.ChatGen}: a module registers a provider in
 * {@code META-INF/services}, and the pipeline builder picks the highest-priority provider found
 * on the classpath for each stage the caller did not supply.
 */
@NullMarked
package io.chatgen.core.spi;

import org.jspecify.annotations.NullMarked;
