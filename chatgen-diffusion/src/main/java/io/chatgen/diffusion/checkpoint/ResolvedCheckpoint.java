package io.chatgen.diffusion.checkpoint;

import io.chatgen.core.InvalidRequestException;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * A local checkpoint file found for a model card.
 *
 * @param file the {@code .safetensors} file
 * @param match how it was matched
 * @param sha256 its SHA-256 when it was computed (always for a hash match), else null
 */
public record ResolvedCheckpoint(Path file, Match match, @Nullable String sha256) {
  /** How a file was matched to a card. */
  public enum Match {
    /** The file's SHA-256 or AutoV2 equals one listed for the card's files. */
    HASH,
    /** The file name equals one of the card's file names (the card lists no hash, or none matched). */
    FILE_NAME
  }

  public ResolvedCheckpoint {
    if (file == null || match == null) {
      throw new InvalidRequestException("file and match must not be null");
    }
    if (match == Match.HASH && sha256 == null) {
      throw new InvalidRequestException("a hash match must carry the file's SHA-256");
    }
  }

  /** The AutoV2 short hash, when the SHA-256 is known. */
  public @Nullable String autoV2() {
    return sha256 == null ? null : CheckpointHashes.autoV2OfSha256(sha256);
  }
}
