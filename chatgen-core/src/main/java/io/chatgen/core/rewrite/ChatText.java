package io.chatgen.core.rewrite;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cleans the text of one chat turn before it is read: control characters and invisible
 * formatting go, emoji become their Unicode names ("CAT FACE" -> "cat"), conversational filler
 * and instructions addressed to the rewriter are cut out. Stateless and thread-safe.
 */
final class ChatText {
  /**
   * The text after cleaning and what cleaning did.
   *
   * @param text the cleaned text, lower-cased
   * @param controlStripped control characters were removed
   * @param emojiNamed emoji were replaced by their names
   * @param instructionIgnored an instruction addressed to the rewriter was cut out
   */
  record Cleaned(String text, boolean controlStripped, boolean emojiNamed, boolean instructionIgnored) {}

  /** Words of emoji names that say nothing drawable. */
  private static final Set<String> EMOJI_NOISE = Set.of("face", "with", "sign", "symbol", "emoji", "selector",
      "variation", "black", "white", "medium", "heavy", "large", "small", "squared", "circled", "button", "mark");

  /**
   * Instructions to the rewriter itself ("ignore the previous instructions and ..."): they are
   * not part of the picture, and a rewriter must never obey them.
   */
  private static final Pattern INSTRUCTION = Pattern.compile(
      "\\b(?:ignore|disregard|forget|override|bypass)\\s+(?:all\\s+|any\\s+|the\\s+|your\\s+|these\\s+|my\\s+)*"
          + "(?:previous\\s+|prior\\s+|above\\s+|earlier\\s+|preceding\\s+|system\\s+|original\\s+)*"
          + "(?:instructions?|prompts?|rules|task|guidelines|directions)\\b"
          + "|\\b(?:print|show|reveal|repeat|output|tell|give|write)\\s+(?:me\\s+|out\\s+|us\\s+)?(?:your|the)\\s+"
          + "(?:system\\s+|hidden\\s+|initial\\s+|original\\s+)?(?:prompt|instructions?|rules)\\b"
          + "|\\byou\\s+are\\s+now\\b|\\bsystem\\s+prompt\\b|\\b(?:reply|respond|answer|output|print|say)\\s+"
          + "(?:only\\s+)?(?:with\\s+)?(?=[\"'`])",
      Pattern.CASE_INSENSITIVE);

  /**
   * Conversational filler people wrap a picture description in. Removed wherever it stands; the
   * remaining function words are dropped later by their keep probability.
   */
  private static final Pattern FILLER = Pattern.compile(
      "\\b(?:(?:can|could|would|will)\\s+you\\s+(?:please\\s+|pls\\s+|kindly\\s+)?(?:help\\s+me\\s+)?"
          + "(?:draw|make|create|paint|generate|render|design|show|give|do|sketch|illustrate|produce|get)?"
          + "(?:\\s+me)?"
          + "|help\\s+me\\s+(?:to\\s+)?(?:draw|make|create|paint|generate|render|design|get|come\\s+up\\s+with)"
          + "|i\\s+(?:really\\s+)?(?:want|need|would\\s+like|'d\\s+like|d\\s+like|wanna|wish\\s+for|am\\s+looking\\s+for"
          + "|'m\\s+looking\\s+for|m\\s+looking\\s+for)(?:\\s+you)?(?:\\s+to)?"
          + "(?:\\s+(?:draw|make|create|see|have|get|paint|generate))?"
          + "|(?:please|pls|plz|kindly|thanks|thank\\s+you|thx)"
          + "|(?:make|draw|paint|create|generate|give|show|render)\\s+me"
          + "|make\\s+it|make\\s+(?:him|her|them|the\\s+picture|the\\s+image)"
          + "|(?:an?|the|some)\\s+(?:image|picture|pic|drawing|artwork|render|illustration)\\s+of"
          + "|let'?s\\s+(?:do|make|have|see|try)|something\\s+like|how\\s+about|what\\s+about"
          + "|(?:i\\s+think\\s+)?it\\s+(?:should|would|could)\\s+(?:be|look|have)"
          + "|(?:oh|um+|uh+|hmm+|hey|hi|hello|ok(?:ay)?|so|well|lol|haha)(?=\\s|$|[,.!?]))",
      Pattern.CASE_INSENSITIVE);

  /**
   * "red-haired", "long haired" are "red hair", "long hair" in the community's prompts (23 of the
   * 26 such chats of chats-train have that tag in their target), and "blue-eyed", "dark-skinned"
   * are "blue eyes", "dark skin"; for eyes and skin only colours, since "one-eyed" is no "one eyes".
   */
  private static final Pattern HAIRED = Pattern.compile("\\b(\\p{L}+)[- ]haired\\b", Pattern.CASE_INSENSITIVE);
  private static final Pattern EYED_SKINNED = Pattern.compile("\\b(red|blue|green|black|white|silver|golden|gold|"
      + "grey|gray|brown|amber|violet|purple|pink|orange|yellow|dark|pale|light|tan|olive|hazel)[- ](eyed|skinned)\\b",
      Pattern.CASE_INSENSITIVE);

  private ChatText() {}

  /** Terminal escape sequences (colours, cursor moves): control characters with a payload. */
  private static final Pattern ANSI = Pattern.compile("\u001b\\[[0-9;?]*[ -/]*[@-~]|\u001b[@-Z\\\\-_]");

  static Cleaned clean(String input) {
    Matcher ansi = ANSI.matcher(input);
    boolean hadAnsi = ansi.find();
    String raw = hadAnsi ? ansi.replaceAll(" ") : input;
    StringBuilder b = new StringBuilder(raw.length() + 16);
    boolean control = hadAnsi;
    boolean emoji = false;
    int n = raw.length();
    for (int i = 0; i < n; ) {
      int cp = raw.codePointAt(i);
      i += Character.charCount(cp);
      int type = Character.getType(cp);
      if (cp == '\n' || cp == '\t' || cp == '\r') {
        b.append(cp == '\t' ? ' ' : '\n');
      } else if (Character.isISOControl(cp) || type == Character.FORMAT || type == Character.PRIVATE_USE
          || type == Character.SURROGATE || type == Character.UNASSIGNED) {
        // zero-width joiners, direction marks and the like are invisible; a raw control character
        // is never part of a description
        control |= Character.isISOControl(cp);
      } else if (isEmoji(cp, type)) {
        String name = emojiName(cp);
        if (!name.isEmpty()) {
          b.append(' ').append(name).append(", ");
        }
        emoji = true;
      } else {
        b.appendCodePoint(cp);
      }
    }
    String text = b.toString();
    Matcher m = INSTRUCTION.matcher(text);
    boolean instruction = m.find();
    if (instruction) {
      text = m.replaceAll(", ");
    }
    text = FILLER.matcher(text).replaceAll(" ");
    text = HAIRED.matcher(text).replaceAll("$1 hair");
    text = EYED_SKINNED.matcher(text)
        .replaceAll(r -> r.group(1) + (r.group(2).equalsIgnoreCase("eyed") ? " eyes" : " skin"));
    return new Cleaned(text.toLowerCase(Locale.ROOT), control, emoji, instruction);
  }

  private static boolean isEmoji(int cp, int type) {
    if (type == Character.OTHER_SYMBOL && cp >= 0x2100) {
      return true;
    }
    return (cp >= 0x1F000 && cp <= 0x1FAFF) || (cp >= 0x2600 && cp <= 0x27BF) || cp == 0xFE0F || cp == 0x20E3;
  }

  /** "cat" for U+1F431 CAT FACE; empty for modifiers and selectors. */
  static String emojiName(int cp) {
    String name = Character.getName(cp);
    if (name == null || name.startsWith("VARIATION SELECTOR") || name.startsWith("EMOJI MODIFIER")
        || name.startsWith("COMBINING") || name.startsWith("REGIONAL INDICATOR")) {
      return "";
    }
    StringBuilder b = new StringBuilder();
    for (String w : name.toLowerCase(Locale.ROOT).split("[\\s-]+")) {
      if (!EMOJI_NOISE.contains(w) && !w.isEmpty()) {
        if (b.length() > 0) {
          b.append(' ');
        }
        b.append(w);
      }
    }
    return b.toString();
  }
}
