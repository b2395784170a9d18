/**
 * Plain text features shared by stages and baselines: word tokenization and a TF-IDF
 * vectorizer with sparse, L2-normalised vectors.
 */
@NullMarked
package io.chatgen.core.text;

import org.jspecify.annotations.NullMarked;
