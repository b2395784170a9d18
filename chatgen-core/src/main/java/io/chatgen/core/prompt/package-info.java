/**
 * The A1111 prompt syntax: attention weights ({@code (word:1.2)}, {@code (word)},
 * {@code [word]}), escaped brackets, {@code BREAK}, and extra-network tags
 * ({@code <lora:name:0.8>}), parsed the way the AUTOMATIC1111 web UI parses them.
 */
@NullMarked
package io.chatgen.core.prompt;

import org.jspecify.annotations.NullMarked;
