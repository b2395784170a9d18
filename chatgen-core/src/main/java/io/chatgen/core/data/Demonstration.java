package io.chatgen.core.data;

import com.google.gson.JsonObject;
import io.chatgen.core.DataFormatException;
import io.chatgen.core.Sampler;
import java.nio.file.Path;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One text-to-image demonstration as posted on Civitai: the prompt, the checkpoint it was made
 * with and the parameters used. Any field but the ids, the prompt and the split may be null.
 *
 * @param imageId the image id
 * @param modelId the checkpoint's catalog id
 * @param versionId the checkpoint version id
 * @param prompt the positive prompt
 * @param negativePrompt the negative prompt, or null
 * @param samplerName the sampler as written (an A1111 name or a user's variant), or null
 * @param steps steps, or null
 * @param cfgScale CFG scale, or null
 * @param seed seed, or null (also when it does not fit a long)
 * @param width width, or null
 * @param height height, or null
 * @param clipSkip clip skip, or null when not stated
 * @param hires whether a hires-fix pass was used, or null
 * @param modelHashMatches whether the image's model hash is one of the version's files
 * @param split "train", "test", "test-fewshot" or "unverified"
 */
public record Demonstration(
    long imageId,
    long modelId,
    long versionId,
    String prompt,
    @Nullable String negativePrompt,
    @Nullable String samplerName,
    @Nullable Integer steps,
    @Nullable Double cfgScale,
    @Nullable Long seed,
    @Nullable Integer width,
    @Nullable Integer height,
    @Nullable Integer clipSkip,
    @Nullable Boolean hires,
    boolean modelHashMatches,
    String split) {

  public Demonstration {
    if (prompt == null || split == null) {
      throw new DataFormatException("a demonstration needs a prompt and a split");
    }
  }

  /** The sampler, mapped leniently to a known one (custom variants to their closest kin). */
  public Optional<Sampler> sampler() {
    return Sampler.closest(samplerName);
  }

  /** Reads {@code demos.jsonl}. */
  public static ReadResult<Demonstration> read(Path file, ReadMode mode) {
    return JsonLines.read(file, mode, Demonstration::fromJson);
  }

  /** Maps one line of {@code demos.jsonl}. */
  public static Demonstration fromJson(JsonObject o) {
    Boolean matches = Json.optBoolean(o, "modelHashMatches");
    return new Demonstration(
        Json.longValue(o, "imageId"),
        Json.longValue(o, "modelId"),
        Json.longValue(o, "versionId"),
        Json.string(o, "prompt"),
        Json.optString(o, "negativePrompt"),
        Json.optString(o, "sampler"),
        toInt(Json.optLong(o, "steps"), "steps"),
        Json.optDouble(o, "cfgScale"),
        seed(o),
        toInt(Json.optLong(o, "width"), "width"),
        toInt(Json.optLong(o, "height"), "height"),
        toInt(Json.optLong(o, "clipSkip"), "clipSkip"),
        Json.optBoolean(o, "hires"),
        matches != null && matches,
        Json.string(o, "split"));
  }

  /** A1111 seeds are 32-bit, but some posted images carry 64-bit or larger ones: those read as null. */
  private static @Nullable Long seed(JsonObject o) {
    Double d = Json.optDouble(o, "seed");
    if (d == null || d < 0 || d > Long.MAX_VALUE) {
      return null;
    }
    return Json.optLong(o, "seed");
  }

  private static @Nullable Integer toInt(@Nullable Long v, String field) {
    if (v == null) {
      return null;
    }
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw new DataFormatException("field \"" + field + "\" is out of range: " + v);
    }
    return v.intValue();
  }
}
