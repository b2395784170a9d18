/**
 * Plain text features shared by stages and baselines: word tokenization, a TF-IDF vectorizer with
 * sparse, L2-normalised vectors, an inverted index for nearest-vector search over them, and the
 * k-nearest-neighbour label vote that the selection baselines and stand-in selectors share.
 */
@NullMarked
package io.chatgen.core.text;

import org.jspecify.annotations.NullMarked;
