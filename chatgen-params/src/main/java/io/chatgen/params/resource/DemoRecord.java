package io.chatgen.params.resource;

import io.chatgen.core.DataFormatException;
import io.chatgen.core.Sampler;
import io.chatgen.core.data.Demonstration;
import io.chatgen.core.text.SparseVector;
import org.jspecify.annotations.Nullable;

/**
 * One demonstration as the configurator keeps it: ids, parameters and the hashed TF-IDF features
 * of its prompt. The prompt text itself is kept only when the caller built the configurator from
 * their own demonstrations and asked for it (for an LLM prompt); the shipped resource has none.
 *
 * @param imageId the image id, cited in reasons
 * @param modelId the checkpoint's catalog id
 * @param versionId the checkpoint version id
 * @param sampler the sampler, mapped to its closest known kin, or null when not stated
 * @param steps steps, or null
 * @param cfgScale CFG scale, or null
 * @param width width, or null (only together with height)
 * @param height height, or null (only together with width)
 * @param clipSkip clip skip, or null when not stated
 * @param hires whether a hires-fix pass was used
 * @param verified whether the image's model hash is one of the version's files (the demo surely
 *     used this checkpoint); unverified demos were posted on the model's page but made with
 *     another file (a merge, another version, a renamed copy)
 * @param features the prompt's L2-normalised hashed TF-IDF vector
 * @param prompt the prompt text, or null (never shipped)
 */
public record DemoRecord(
    long imageId,
    long modelId,
    long versionId,
    @Nullable Sampler sampler,
    @Nullable Integer steps,
    @Nullable Double cfgScale,
    @Nullable Integer width,
    @Nullable Integer height,
    @Nullable Integer clipSkip,
    boolean hires,
    boolean verified,
    SparseVector features,
    @Nullable String prompt) {

  public DemoRecord {
    if (features == null) {
      throw new DataFormatException("demonstration " + imageId + " has no features");
    }
    if ((width == null) != (height == null)) {
      width = null;
      height = null;
    }
    if (steps != null && steps < 1) {
      steps = null;
    }
    if (cfgScale != null && !(Double.isFinite(cfgScale) && cfgScale >= 0)) {
      cfgScale = null;
    }
    if (width != null && (width < 64 || height < 64)) {
      width = null;
      height = null;
    }
    if (clipSkip != null && (clipSkip < 1 || clipSkip > 12)) {
      clipSkip = null;
    }
  }

  /** Maps a demonstration, vectorizing its prompt. */
  public static DemoRecord of(Demonstration d, HashedTfIdf vectorizer, boolean keepPrompt) {
    return new DemoRecord(d.imageId(), d.modelId(), d.versionId(), d.sampler().orElse(null), d.steps(), d.cfgScale(),
        d.width(), d.height(), d.clipSkip(), Boolean.TRUE.equals(d.hires()), d.modelHashMatches(),
        vectorizer.transform(d.prompt()), keepPrompt ? d.prompt() : null);
  }

  /** This record without its prompt text. */
  public DemoRecord withoutPrompt() {
    return new DemoRecord(imageId, modelId, versionId, sampler, steps, cfgScale, width, height, clipSkip, hires,
        verified, features, null);
  }
}
