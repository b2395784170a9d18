/**
 * The compact, shipped knowledge of the embedded configurator: per-model documentation facts and hashed TF-IDF features of training demonstrations with their parameters (never prompt text), its binary format, and the command that rebuilds it from the Civitai data.
 */
@NullMarked
package io.chatgen.params.resource;

import org.jspecify.annotations.NullMarked;
