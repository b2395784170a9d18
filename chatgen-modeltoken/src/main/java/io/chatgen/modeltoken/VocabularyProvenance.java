package io.chatgen.modeltoken;

import io.chatgen.core.InvalidRequestException;

/**
 * Where a vocabulary's weights came from, saved with them and checked on load.
 *
 * @param encoderId the {@link io.chatgen.core.stage.TextEncoder#id()} the tokens were trained on
 * @param dimension the encoder's dimension
 * @param dataHash a hash of the training pairs (SHA-256 hex, or "none")
 * @param seed the training seed
 * @param version the artifact version, bumped by every expansion
 * @param notes free text (e.g. "starter vocabulary: civitai train split")
 */
public record VocabularyProvenance(String encoderId, int dimension, String dataHash, long seed, int version,
    String notes) {
  public VocabularyProvenance {
    if (encoderId == null || encoderId.isBlank()) {
      throw new InvalidRequestException("provenance needs the encoder id");
    }
    if (dimension <= 0) {
      throw new InvalidRequestException("provenance dimension must be > 0, was " + dimension);
    }
    if (dataHash == null || dataHash.isBlank()) {
      throw new InvalidRequestException("provenance needs a data hash (use \"none\" when unknown)");
    }
    if (version < 1) {
      throw new InvalidRequestException("provenance version must be >= 1, was " + version);
    }
    if (notes == null) {
      throw new InvalidRequestException("provenance notes must not be null (use \"\")");
    }
  }

  /** The same provenance, one version later, with a note appended. */
  public VocabularyProvenance next(String note) {
    return new VocabularyProvenance(encoderId, dimension, dataHash, seed, version + 1,
        notes.isEmpty() ? note : notes + "; " + note);
  }
}
