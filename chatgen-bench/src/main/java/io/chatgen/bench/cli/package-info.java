/**
 * The {@code chatgen-bench} command line ({@code java -jar chatgen-bench.jar evaluate ...}): option
 * parsing, the progress bar and one-line error messages with non-zero exit codes.
 */
@NullMarked
package io.chatgen.bench.cli;

import org.jspecify.annotations.NullMarked;
