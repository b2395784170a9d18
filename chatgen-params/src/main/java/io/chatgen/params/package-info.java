/**
 * Stage 3 of ChatGen: in-context parameter configuration. The embedded {@link io.chatgen.params.InContextConfigurator} retrieves the chosen model's demonstrations nearest to the request, combines them with the model's documentation and falls back to similar models and the base architecture's defaults; {@link io.chatgen.params.ParamSchema} validates and clamps every plan and {@link io.chatgen.params.ChatWishes} reads the explicit wishes of a chat, which win.
 */
@NullMarked
package io.chatgen.params;

import org.jspecify.annotations.NullMarked;
