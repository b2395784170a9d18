package io.chatgen.params.doc;

import io.chatgen.core.InvalidRequestException;
import io.chatgen.core.Param;
import io.chatgen.core.Sampler;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The settings a model's author recommends, as far as they could be read from its description.
 * Every field may be absent; {@link #sources} says where each present one came from (the line of
 * the description for a card read at run time, "shipped documentation facts" for the resource,
 * which carries numbers and sampler names only, never description text).
 *
 * @param samplers recommended samplers, in the order the author names them (may be empty)
 * @param steps recommended steps, or null
 * @param cfgScale recommended CFG scale, or null
 * @param clipSkip recommended clip skip, or null
 * @param width recommended width, or null (only together with height)
 * @param height recommended height, or null (only together with width)
 * @param hires whether the author recommends a hires-fix pass
 * @param triggerWords the words that activate the model's style
 * @param sources per parameter, where the recommendation came from
 * @param rejected numbers that looked like settings but were out of any sane range (ignored)
 */
public record ModelDocumentation(
    List<Sampler> samplers,
    @Nullable Range steps,
    @Nullable Range cfgScale,
    @Nullable Integer clipSkip,
    @Nullable Integer width,
    @Nullable Integer height,
    boolean hires,
    List<String> triggerWords,
    Map<Param, String> sources,
    int rejected) {

  /** Documentation that recommends nothing. */
  public static final ModelDocumentation EMPTY =
      new ModelDocumentation(List.of(), null, null, null, null, null, false, List.of(), Map.of(), 0);

  public ModelDocumentation {
    if (samplers == null || triggerWords == null || sources == null) {
      throw new InvalidRequestException("samplers, triggerWords and sources must not be null (use empty ones)");
    }
    samplers = List.copyOf(samplers);
    triggerWords = List.copyOf(triggerWords);
    sources = Map.copyOf(sources);
    if ((width == null) != (height == null)) {
      throw new InvalidRequestException("a recommended size needs both width and height, got " + width + "x" + height);
    }
    if (rejected < 0) {
      throw new InvalidRequestException("rejected must be >= 0, was " + rejected);
    }
  }

  /** The first recommended sampler. */
  public Optional<Sampler> sampler() {
    return samplers.isEmpty() ? Optional.empty() : Optional.of(samplers.get(0));
  }

  /** Whether anything is recommended at all. */
  public boolean isEmpty() {
    return samplers.isEmpty() && steps == null && cfgScale == null && clipSkip == null && width == null && !hires;
  }

  /** Where the recommendation for {@code p} came from, or "documentation". */
  public String source(Param p) {
    return sources.getOrDefault(p, "documentation");
  }

  /** This documentation with the card's trigger words. */
  public ModelDocumentation withTriggerWords(List<String> words) {
    return new ModelDocumentation(samplers, steps, cfgScale, clipSkip, width, height, hires, words, sources, rejected);
  }

  /** This documentation with every source replaced by {@code label} (used when shipping facts without text). */
  public ModelDocumentation withSourceLabel(String label) {
    Map<Param, String> s = new java.util.EnumMap<>(Param.class);
    sources.keySet().forEach(k -> s.put(k, label));
    return new ModelDocumentation(samplers, steps, cfgScale, clipSkip, width, height, hires, triggerWords, s, rejected);
  }
}
