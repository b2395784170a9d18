/**
 * The {@code chatgen} command line: a free-style request in, a plan a person can read (or JSON)
 * and a PNG with A1111 metadata out.
 */
@NullMarked
package io.chatgen.examples.cli;

import org.jspecify.annotations.NullMarked;
