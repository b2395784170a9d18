/**
 * JMH benchmarks of planning latency per stage and of model selection over a 7,000-token
 * vocabulary (the paper's scale). Run from the fat jar:
 * {@code java -cp chatgen-bench/target/chatgen-bench.jar org.openjdk.jmh.Main io.chatgen.bench.jmh}.
 */
@NullMarked
package io.chatgen.bench.jmh;

import org.jspecify.annotations.NullMarked;
