/**
 * PNG output with A1111's generation parameters ("infotext") in a {@code parameters} text chunk,
 * which A1111's PNG Info tab and Civitai read: a deterministic PNG encoder (same pixels and text,
 * same bytes), a text-chunk reader, and the infotext format and parser.
 */
@NullMarked
package io.chatgen.diffusion.png;

import org.jspecify.annotations.NullMarked;
