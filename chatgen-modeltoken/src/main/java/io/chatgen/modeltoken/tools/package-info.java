/**
 * Command-line builders of the shipped artifacts (the embedded encoder, the starter vocabulary
 * and its neighbour memory) from the Civitai data, and the data loading they share with the
 * evaluation.
 */
@NullMarked
package io.chatgen.modeltoken.tools;

import org.jspecify.annotations.NullMarked;
