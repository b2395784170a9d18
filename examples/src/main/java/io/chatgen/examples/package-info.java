/**
 * Small runnable examples of the SDK: composing the pipeline, replacing a stage with a lambda,
 * adding a checkpoint to the ModelToken vocabulary few-shot, and evaluating on a data file. Each
 * has a test that runs it.
 */
@NullMarked
package io.chatgen.examples;

import org.jspecify.annotations.NullMarked;
