package io.chatgen.core.rewrite;

import io.chatgen.core.text.Words;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds tags that say contradicting things about the same part of a picture: two colours of the
 * background, of the hair or of the eyes ("blue background" and "white background"), or a simple
 * and a detailed background. The rewriter adds tags from the request's words and from community
 * prompts like it; a tag the person asked for must win over a borrowed one that contradicts it,
 * or the picture follows whichever the model weighs more. Stateless and thread-safe.
 */
public final class TagConflicts {
  /** The parts of a picture that have one colour each, by the last word of a tag. */
  private static final Set<String> COLOURED_PARTS = Set.of("background", "hair", "eyes");
  /** Colour words as community prompts write them. */
  private static final Set<String> COLOURS = Set.of("red", "blue", "green", "yellow", "orange", "purple", "pink",
      "white", "black", "grey", "gray", "brown", "blonde", "silver", "aqua", "cyan", "violet", "gold", "golden",
      "beige", "teal", "magenta");
  /** Background kinds that exclude each other. */
  private static final Set<String> BACKGROUND_KINDS = Set.of("simple", "detailed");

  private TagConflicts() {}

  /**
   * The parts and values a tag sets, each as "part=value" ("red circle on a blue background" sets
   * "background colour=blue"); empty when it sets none that can conflict ("long hair", "cafe").
   */
  static List<String> slots(String tag) {
    List<String> words = Words.of(tag);
    List<String> out = new ArrayList<>(1);
    for (int i = 1; i < words.size(); i++) {
      String part = words.get(i);
      if (!COLOURED_PARTS.contains(part)) {
        continue;
      }
      String value = words.get(i - 1).equals("gray") ? "grey" : words.get(i - 1);
      if (COLOURS.contains(value)) {
        out.add(part + " colour=" + value);
      } else if (part.equals("background") && BACKGROUND_KINDS.contains(value)) {
        out.add("background kind=" + value);
      }
    }
    return out;
  }

  /**
   * A tag left out because it contradicts a tag kept before it.
   *
   * @param tag the tag left out
   * @param conflict the kept tag it contradicts
   * @param conflictRequested whether the kept tag comes from the request itself
   */
  public record Dropped(WeightedTag tag, String conflict, boolean conflictRequested) {
    /** The sentence a plan's notes give for it. */
    public String note() {
      return "left out \"" + tag.tag() + "\": it contradicts \"" + conflict + "\""
          + (conflictRequested ? ", which the request asks for" : "");
    }
  }

  /**
   * The tags without those that contradict an earlier kept one, a tag of {@code requested} (the
   * keys of tags taken from the person's own words) winning over any other wherever it stands.
   * Each dropped tag is reported in {@code notes}.
   *
   * @param tags the prompt's tags in order of priority
   * @param requested keys ({@link PromptTags#key}) of the tags that come from the request itself
   * @param notes where a sentence per dropped tag is added
   */
  public static List<WeightedTag> withoutContradictions(List<WeightedTag> tags, Set<String> requested,
      List<String> notes) {
    List<Dropped> dropped = new ArrayList<>();
    List<WeightedTag> kept = resolve(tags, requested, dropped);
    dropped.forEach(d -> notes.add(d.note()));
    return kept;
  }

  /**
   * The same, reporting each dropped tag as a {@link Dropped} in {@code dropped}, in order, so a
   * caller can tell which of its tags gave way.
   */
  public static List<WeightedTag> resolve(List<WeightedTag> tags, Set<String> requested, List<Dropped> dropped) {
    // part -> the slot chosen for it and the tag that chose it; the request's own tags first
    Map<String, String> chosen = new HashMap<>();
    Map<String, String> holders = new HashMap<>();
    for (WeightedTag t : tags) {
      if (requested.contains(PromptTags.key(t.tag()))) {
        claim(t.tag(), chosen, holders);
      }
    }
    List<WeightedTag> out = new ArrayList<>(tags.size());
    for (WeightedTag t : tags) {
      String conflict = null;
      for (String s : slots(t.tag())) {
        String held = chosen.get(part(s));
        if (held != null && !held.equals(s)) {
          conflict = holders.get(part(s));
          break;
        }
      }
      if (conflict == null) {
        claim(t.tag(), chosen, holders);
        out.add(t);
      } else {
        dropped.add(new Dropped(t, conflict, requested.contains(PromptTags.key(conflict))));
      }
    }
    return out;
  }

  private static void claim(String tag, Map<String, String> chosen, Map<String, String> holders) {
    for (String s : slots(tag)) {
      if (chosen.putIfAbsent(part(s), s) == null) {
        holders.put(part(s), tag);
      }
    }
  }

  private static String part(String slot) {
    return slot.substring(0, slot.indexOf('='));
  }
}
