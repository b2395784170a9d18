package io.chatgen.core;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * One downloadable file of a checkpoint version, with the hashes that identify it.
 *
 * @param name the file name ("dreamshaper_8.safetensors")
 * @param sizeKb size in KiB, or 0 when unknown
 * @param type Civitai's file type ("Model", "Pruned Model", "VAE", ...)
 * @param format "SafeTensor", "PickleTensor", ...; null when unknown
 * @param precision "fp16", "fp32"; null when unknown
 * @param sha256 full SHA-256, upper-case hex; null when unknown
 * @param autoV2 A1111's short hash (first 10 hex of the SHA-256); null when unknown
 */
public record ModelFile(
    String name,
    double sizeKb,
    String type,
    @Nullable String format,
    @Nullable String precision,
    @Nullable String sha256,
    @Nullable String autoV2) {

  public ModelFile {
    Checks.notBlank(name, "file name");
    Checks.notNull(type, "file type");
    if (!(sizeKb >= 0)) {
      throw new InvalidRequestException("file " + name + " has size " + sizeKb + " KiB; must be >= 0");
    }
    sha256 = sha256 == null || sha256.isBlank() ? null : sha256.toUpperCase(Locale.ROOT);
    autoV2 = autoV2 == null || autoV2.isBlank() ? null : autoV2.toUpperCase(Locale.ROOT);
    if (autoV2 == null && sha256 != null && sha256.length() >= 10) {
      autoV2 = sha256.substring(0, 10);
    }
  }

  /** Whether this file is model weights (not a VAE, config or training data). */
  public boolean isWeights() {
    return type.equals("Model") || type.equals("Pruned Model");
  }

  /** Whether the file is a pickle, which can run code when loaded. */
  public boolean isPickle() {
    return "PickleTensor".equals(format) || name.endsWith(".ckpt") || name.endsWith(".pt");
  }
}
