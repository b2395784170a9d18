/**
 * Model documentation: the settings a checkpoint's author recommends (sampler, steps, CFG, clip skip, size, hires fix, trigger words), extracted from the free text of its description by {@link io.chatgen.params.doc.DocumentationExtractor}.
 */
@NullMarked
package io.chatgen.params.doc;

import org.jspecify.annotations.NullMarked;
