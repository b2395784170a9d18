/**
 * Plain text features shared by stages and baselines: word tokenization, a TF-IDF vectorizer with
 * sparse, L2-normalised vectors, and an inverted index for nearest-vector search over them.
 */
@NullMarked
package io.chatgen.core.text;

import org.jspecify.annotations.NullMarked;
