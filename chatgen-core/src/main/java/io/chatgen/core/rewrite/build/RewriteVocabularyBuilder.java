package io.chatgen.core.rewrite.build;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.chatgen.core.data.ChatSample;
import io.chatgen.core.data.Demonstration;
import io.chatgen.core.data.ReadMode;
import io.chatgen.core.rewrite.PromptOverlap;
import io.chatgen.core.rewrite.PromptTags;
import io.chatgen.core.rewrite.RewriteVocabulary;
import io.chatgen.core.rewrite.StyleFamily;
import io.chatgen.core.text.Words;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;

/**
 * Derives the embedded rewriter's {@link RewriteVocabulary} from the Civitai data and writes it as
 * gzipped JSON. Only statistics and short, frequent community tags are written (tags of at most
 * {@value #MAX_TAG_WORDS} words used by at least {@value #MIN_TAG_PROMPTS} {@code train} prompts of
 * at least two different models; phrases of four or more words by twice as many prompts of three
 * models), never a prompt or chat text.
 *
 * <p>What it derives:
 *
 * <ul>
 *   <li>tag statistics: every short tag of the {@code train} prompts with how many prompts use it;
 *   <li>style families: each {@code train} prompt is put in a {@link StyleFamily} by its indicator
 *       tags; per family, the share of prompts using each quality/style tag (tags made only of
 *       rendering, quality and style words) and of negative prompts using each negative tag, and
 *       the length of the negative prompt that maximises word F1 against the family's own
 *       negative prompts;
 *   <li>from the chat-to-prompt pairs of {@code chats-train.jsonl} (English chats only): how often
 *       each chat word reappears in the target prompt, which community tags a chat word calls for
 *       (P(tag | word) at least {@value #MIN_WORD_TAG_P} and at least {@value #MIN_LIFT} times the
 *       tag's base rate, seen at least {@value #MIN_PAIR_COUNT} times), and chat word counts per
 *       family of the target prompt;
 *   <li>the plain-language style wishes below, keeping only tags the community really writes.
 * </ul>
 *
 * <p>Rebuild the shipped resource from the repository root (under a minute; the output is
 * byte-for-byte reproducible):
 *
 * <pre>
 * mvn -B -o -q -pl chatgen-core install -DskipTests
 * java -cp chatgen-core/target/classes:$(ls ~/.m2/repository/com/google/code/gson/gson/2.13.1/gson-2.13.1.jar) \
 *   io.chatgen.core.rewrite.build.RewriteVocabularyBuilder \
 *   --shared ../shared \
 *   --out chatgen-core/src/main/resources/io/chatgen/core/rewrite/rewrite-vocabulary.json.gz
 * </pre>
 *
 * <p>{@code --holdout-every N} leaves every N-th chat pair out of the chat statistics, to measure
 * on pairs the vocabulary has not seen (development only; the shipped file uses all pairs).
 * {@code chats.jsonl} is never read.
 */
public final class RewriteVocabularyBuilder {
  static final int MIN_TAG_PROMPTS = 3;
  static final int MAX_TAG_WORDS = 5;
  static final int MAX_TAG_CHARS = 48;
  static final double MIN_WORD_TAG_P = 0.25;
  static final double MIN_LIFT = 2.0;
  static final int MIN_PAIR_COUNT = 3;
  static final int MIN_MAPPED_TAG_PROMPTS = 10;
  static final int MAX_STYLE_TAGS = 40;
  static final int MAX_NEGATIVE_TAGS = 100;
  static final int MIN_PROFILE_SUPPORT = 2;
  static final double MIN_PROFILE_SHARE = 0.25;

  /**
   * Words that quality, rendering and style tags are made of: a tag whose words are all here
   * ("best quality", "8k uhd", "trending on artstation") says how the picture should look, not
   * what is in it, so it may be added to any prompt of its family.
   */
  static final Set<String> TECHNIQUE_WORDS = Set.copyOf(List.of(
      "masterpiece", "best", "quality", "high", "highly", "highest", "detailed", "detail", "details", "ultra",
      "super", "extremely", "extreme", "very", "hyper", "hyperdetailed", "intricate", "8k", "4k", "16k", "2k",
      "64k", "uhd", "hd", "hdr", "resolution", "res", "highres", "absurdres", "incredibly", "absurd", "sharp",
      "focus", "professional", "official", "art", "photo", "raw", "photography", "photograph", "photorealistic",
      "realistic", "realism", "photorealism", "hyperrealistic", "hyperrealism", "lifelike", "cinematic",
      "lighting", "light", "soft", "dramatic", "volumetric", "studio", "natural", "rim", "global",
      "illumination", "depth", "of", "field", "dof", "bokeh", "film", "grain", "analog", "dslr", "35mm", "50mm",
      "85mm", "lens", "canon", "nikon", "sony", "fujifilm", "kodak", "vivid", "colors", "colorful", "vibrant",
      "contrast", "award", "winning", "trending", "on", "artstation", "cgsociety", "pixiv", "deviantart",
      "illustration", "painting", "oil", "watercolor", "digital", "concept", "anime", "style", "manga", "3d",
      "render", "rendering", "octane", "unreal", "engine", "5", "blender", "redshift", "vray", "ray", "tracing",
      "subsurface", "scattering", "beautiful", "aesthetic", "perfect", "amazing", "stunning", "elegant",
      "wallpaper", "cg", "unity", "an", "and", "delicate", "textures", "texture", "finely", "crisp", "clear",
      "smooth", "epic", "composition", "masterwork", "top", "shadow", "shadows", "sidelighting", "backlighting",
      "chromatic", "aberration", "flare", "bloom", "glow", "fine", "insane", "insanely", "detailing", "hyperdetail",
      "photoshoot", "shot", "cinematography", "raytracing", "artwork", "intricately", "sharpness", "definition", "elaborate", "exquisite", "rendered", "cgi",
      "pixar", "disney", "isometric", "cel", "shading", "lineart", "sketch", "ink", "comic", "vector"));

  /**
   * Plain-language style wishes as people write them, the family they ask for and what the
   * community writes for them. Tags the data does not use are dropped when building.
   */
  static final List<Object[]> STYLE_WISHES = List.of(
      new Object[] {"photo", StyleFamily.PHOTO, List.of("photo", "photorealistic")},
      new Object[] {"photograph", StyleFamily.PHOTO, List.of("photo", "photorealistic")},
      new Object[] {"photography", StyleFamily.PHOTO, List.of("photography", "photorealistic")},
      new Object[] {"photorealistic", StyleFamily.PHOTO, List.of("photorealistic")},
      new Object[] {"photo realistic", StyleFamily.PHOTO, List.of("photorealistic")},
      new Object[] {"realistic", StyleFamily.PHOTO, List.of("realistic", "photorealistic")},
      new Object[] {"lifelike", StyleFamily.PHOTO, List.of("realistic", "photorealistic")},
      new Object[] {"real life", StyleFamily.PHOTO, List.of("realistic", "photorealistic")},
      new Object[] {"dslr", StyleFamily.PHOTO, List.of("dslr")},
      new Object[] {"film photo", StyleFamily.PHOTO, List.of("film grain", "analog")},
      new Object[] {"anime", StyleFamily.ANIME, List.of("anime")},
      new Object[] {"manga", StyleFamily.ANIME, List.of("manga", "anime")},
      new Object[] {"cel shaded", StyleFamily.ANIME, List.of("cel shading")},
      new Object[] {"chibi", StyleFamily.ANIME, List.of("chibi")},
      new Object[] {"oil painting", StyleFamily.PAINTING, List.of("oil painting")},
      new Object[] {"watercolor", StyleFamily.PAINTING, List.of("watercolor")},
      new Object[] {"watercolour", StyleFamily.PAINTING, List.of("watercolor")},
      new Object[] {"painting", StyleFamily.PAINTING, List.of("painting")},
      new Object[] {"painterly", StyleFamily.PAINTING, List.of("painting")},
      new Object[] {"painted", StyleFamily.PAINTING, List.of("painting")},
      new Object[] {"concept art", StyleFamily.PAINTING, List.of("concept art")},
      new Object[] {"illustration", StyleFamily.PAINTING, List.of("illustration")},
      new Object[] {"illustrated", StyleFamily.PAINTING, List.of("illustration")},
      new Object[] {"digital art", StyleFamily.PAINTING, List.of("digital art")},
      new Object[] {"digital painting", StyleFamily.PAINTING, List.of("digital painting")},
      new Object[] {"sketch", StyleFamily.PAINTING, List.of("sketch")},
      new Object[] {"pencil drawing", StyleFamily.PAINTING, List.of("pencil sketch", "sketch")},
      new Object[] {"comic", StyleFamily.PAINTING, List.of("comic")},
      new Object[] {"storybook", StyleFamily.PAINTING, List.of("storybook illustration", "illustration")},
      new Object[] {"pixar", StyleFamily.RENDER_3D, List.of("pixar", "3d render", "disney")},
      new Object[] {"disney", StyleFamily.RENDER_3D, List.of("disney", "pixar")},
      new Object[] {"3d", StyleFamily.RENDER_3D, List.of("3d render")},
      new Object[] {"3d render", StyleFamily.RENDER_3D, List.of("3d render", "octane render")},
      new Object[] {"cgi", StyleFamily.RENDER_3D, List.of("cgi", "3d render")},
      new Object[] {"octane", StyleFamily.RENDER_3D, List.of("octane render")},
      new Object[] {"unreal engine", StyleFamily.RENDER_3D, List.of("unreal engine")},
      new Object[] {"blender", StyleFamily.RENDER_3D, List.of("blender", "3d render")},
      new Object[] {"claymation", StyleFamily.RENDER_3D, List.of("claymation")},
      new Object[] {"clay", StyleFamily.RENDER_3D, List.of("claymation")},
      new Object[] {"isometric", StyleFamily.RENDER_3D, List.of("isometric")},
      new Object[] {"video game", StyleFamily.RENDER_3D, List.of("game cg")});

  /** How a tag is written when it is shipped: letters, digits, spaces and light punctuation only. */
  private static final java.util.regex.Pattern CLEAN_SURFACE =
      java.util.regex.Pattern.compile("[\\p{L}\\p{N}][\\p{L}\\p{N} '.&+/_-]*");

  private RewriteVocabularyBuilder() {}

  /** Command line: {@code --shared DIR --out FILE [--holdout-every N]}. */
  public static void main(String[] args) throws IOException {
    Path shared = Path.of(System.getProperty("chatgen.shared", "../shared"));
    Path out = Path.of("chatgen-core/src/main/resources/io/chatgen/core/rewrite/rewrite-vocabulary.json.gz");
    int holdoutEvery = 0;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--shared" -> shared = Path.of(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        case "--holdout-every" -> holdoutEvery = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]
            + "; use --shared DIR --out FILE [--holdout-every N]");
      }
    }
    long t0 = System.nanoTime();
    JsonObject vocab = build(shared.resolve("civitai/demos.jsonl"), shared.resolve("civitai/chats-train.jsonl"),
        holdoutEvery);
    write(vocab, out);
    RewriteVocabulary check = RewriteVocabulary.read(out);
    System.out.printf("wrote %s (%d bytes) in %.1f s: %s%n", out, Files.size(out),
        (System.nanoTime() - t0) / 1e9, check.describe());
  }

  /** Derives the vocabulary as JSON (see the class comment). */
  public static JsonObject build(Path demosFile, Path chatsTrainFile, int holdoutEvery) {
    List<Demonstration> demos = Demonstration.read(demosFile, ReadMode.LENIENT).records();
    Map<Long, Demonstration> byImage = new HashMap<>();
    List<Demonstration> train = new ArrayList<>();
    for (Demonstration d : demos) {
      if (d.split().equals("train")) {
        train.add(d);
        byImage.put(d.imageId(), d);
      }
    }
    // tag statistics over train prompts
    Map<String, Integer> tagPrompts = new HashMap<>();
    Map<String, Set<Long>> tagModels = new HashMap<>();
    Map<String, Map<String, Integer>> surfaces = new HashMap<>();
    List<Set<String>> promptKeys = new ArrayList<>();
    int[] familyPrompts = new int[StyleFamily.values().length];
    List<StyleFamily> promptFamily = new ArrayList<>();
    for (Demonstration d : train) {
      Set<String> keys = new LinkedHashSet<>();
      for (String t : PromptTags.normalizedTags(d.prompt())) {
        String k = PromptTags.key(t);
        if (k.isEmpty() || t.length() > MAX_TAG_CHARS || k.split(" ").length > MAX_TAG_WORDS) {
          continue;
        }
        if (keys.add(k)) {
          tagPrompts.merge(k, 1, Integer::sum);
          tagModels.computeIfAbsent(k, x -> new HashSet<>()).add(d.modelId());
        }
        surfaces.computeIfAbsent(k, x -> new HashMap<>()).merge(t, 1, Integer::sum);
      }
      promptKeys.add(keys);
      StyleFamily f = familyOf(keys);
      promptFamily.add(f);
      familyPrompts[f.ordinal()]++;
    }
    Map<String, String> surfaceOf = new HashMap<>();
    Map<String, Integer> known = new TreeMap<>();
    for (Map.Entry<String, Integer> e : tagPrompts.entrySet()) {
      // long phrases must be more common than short tags to count as community habit rather than
      // one prompt copied a few times
      boolean longPhrase = e.getKey().split(" ").length >= 4;
      if (e.getValue() >= (longPhrase ? 2 * MIN_TAG_PROMPTS : MIN_TAG_PROMPTS)
          && tagModels.get(e.getKey()).size() >= (longPhrase ? 3 : 2)) {
        known.put(e.getKey(), e.getValue());
        surfaceOf.put(e.getKey(), surfaces.get(e.getKey()).entrySet().stream()
            .filter(s -> CLEAN_SURFACE.matcher(s.getKey()).matches())
            .max(Map.Entry.<String, Integer>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
            .map(Map.Entry::getKey).orElse(e.getKey()));
      }
    }
    JsonObject o = new JsonObject();
    o.addProperty("format", RewriteVocabulary.FORMAT);
    o.addProperty("version", RewriteVocabulary.VERSION);
    JsonArray tags = new JsonArray();
    known.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
        .forEach(e -> {
          JsonArray a = new JsonArray();
          a.add(surfaceOf.get(e.getKey()));
          a.add(e.getValue());
          tags.add(a);
        });
    o.add("tags", tags);
    o.add("families", families(train, promptKeys, promptFamily, familyPrompts, known, surfaceOf));
    pairStatistics(o, chatsTrainFile, byImage, known, surfaceOf, holdoutEvery);
    o.add("profiles", profiles(train, heldOut(chatsTrainFile, holdoutEvery), known, surfaceOf));
    o.add("styleWishes", styleWishes(known));
    return o;
  }

  static StyleFamily familyOf(Set<String> keys) {
    List<List<String>> words = new ArrayList<>();
    for (String k : keys) {
      words.add(List.of(k.split(" ")));
    }
    return StyleFamily.ofPromptTags(words);
  }

  private static JsonObject families(List<Demonstration> train, List<Set<String>> promptKeys,
      List<StyleFamily> promptFamily, int[] familyPrompts, Map<String, Integer> known,
      Map<String, String> surfaceOf) {
    int nf = StyleFamily.values().length;
    List<Map<String, Integer>> style = new ArrayList<>();
    List<Map<String, Integer>> negative = new ArrayList<>();
    List<List<List<String>>> negativeWords = new ArrayList<>();
    Map<String, String> negSurface = new HashMap<>();
    for (int f = 0; f < nf; f++) {
      style.add(new HashMap<>());
      negative.add(new HashMap<>());
      negativeWords.add(new ArrayList<>());
    }
    for (int i = 0; i < train.size(); i++) {
      int f = promptFamily.get(i).ordinal();
      for (String k : promptKeys.get(i)) {
        if (known.containsKey(k) && isTechnique(k)) {
          style.get(f).merge(k, 1, Integer::sum);
        }
      }
      String neg = train.get(i).negativePrompt();
      if (neg != null && !neg.isBlank()) {
        Set<String> seen = new HashSet<>();
        for (String t : PromptTags.normalizedTags(neg)) {
          String k = PromptTags.key(t);
          if (!k.isEmpty() && t.length() <= MAX_TAG_CHARS && seen.add(k)) {
            negative.get(f).merge(k, 1, Integer::sum);
            negSurface.putIfAbsent(k, t);
          }
        }
        negativeWords.get(f).add(PromptOverlap.words(neg));
      }
    }
    JsonObject out = new JsonObject();
    for (StyleFamily fam : StyleFamily.values()) {
      int f = fam.ordinal();
      JsonObject p = new JsonObject();
      p.addProperty("prompts", familyPrompts[f]);
      JsonArray st = new JsonArray();
      top(style.get(f), MAX_STYLE_TAGS).forEach(e -> st.add(pair(surfaceOf.get(e.getKey()),
          round((double) e.getValue() / Math.max(1, familyPrompts[f])))));
      p.add("style", st);
      int withNeg = negativeWords.get(f).size();
      // a negative tag must be used by at least two negative prompts: a single author's words are
      // not a community habit
      List<Map.Entry<String, Integer>> negTop = top(negative.get(f), MAX_NEGATIVE_TAGS).stream()
          .filter(e -> e.getValue() >= 2).toList();
      JsonArray ng = new JsonArray();
      List<List<String>> negTagWords = new ArrayList<>();
      for (Map.Entry<String, Integer> e : negTop) {
        String surface = surfaceOf.getOrDefault(e.getKey(), negSurface.get(e.getKey()));
        ng.add(pair(surface, round((double) e.getValue() / Math.max(1, withNeg))));
        negTagWords.add(Words.of(surface));
      }
      p.add("negative", ng);
      p.addProperty("negativeCount", bestPrefix(negTagWords, negativeWords.get(f)));
      out.add(fam.name(), p);
    }
    return out;
  }

  /**
   * The number of leading tags whose words, as a negative prompt, give the highest mean word F1
   * against the given negative prompts (each evaluated incrementally: adding a word matches one
   * more target word when the target still has an unmatched copy of it).
   */
  static int bestPrefix(List<List<String>> tagWords, List<List<String>> targets) {
    if (tagWords.isEmpty() || targets.isEmpty()) {
      return 0;
    }
    double[] sum = new double[tagWords.size() + 1];
    for (List<String> target : targets) {
      Map<String, Integer> left = new HashMap<>();
      for (String w : target) {
        left.merge(w, 1, Integer::sum);
      }
      int matched = 0;
      int written = 0;
      for (int k = 1; k <= tagWords.size(); k++) {
        for (String w : tagWords.get(k - 1)) {
          written++;
          Integer c = left.get(w);
          if (c != null && c > 0) {
            matched++;
            left.put(w, c - 1);
          }
        }
        double p = written == 0 ? 0 : (double) matched / written;
        double r = target.isEmpty() ? 0 : (double) matched / target.size();
        sum[k] += p + r == 0 ? 0 : 2 * p * r / (p + r);
      }
    }
    int best = 1;
    for (int k = 1; k <= tagWords.size(); k++) {
      if (sum[k] > sum[best]) {
        best = k;
      }
    }
    return best;
  }

  private static void pairStatistics(JsonObject o, Path chatsTrainFile, Map<Long, Demonstration> byImage,
      Map<String, Integer> known, Map<String, String> surfaceOf, int holdoutEvery) {
    List<ChatSample> chats = ChatSample.read(chatsTrainFile, ReadMode.LENIENT).records();
    int nf = StyleFamily.values().length;
    Map<String, int[]> keep = new HashMap<>();
    Map<String, Integer> wordChats = new HashMap<>();
    Map<String, Map<String, Integer>> wordTag = new HashMap<>();
    Map<String, Integer> tagPairs = new HashMap<>();
    Map<String, int[]> familyWords = new HashMap<>();
    int[] familyChats = new int[nf];
    int pairs = 0;
    int kept = 0;
    int keptTotal = 0;
    for (int i = 0; i < chats.size(); i++) {
      ChatSample c = chats.get(i);
      Demonstration d = byImage.get(c.imageId());
      if (d == null || c.nonEnglish() || (holdoutEvery > 0 && i % holdoutEvery == 0)) {
        continue;
      }
      pairs++;
      Set<String> chatWords = new HashSet<>(Words.of(c.chat()));
      for (String t : c.history()) {
        chatWords.addAll(Words.of(t));
      }
      Set<String> promptWords = new HashSet<>(PromptOverlap.words(d.prompt()));
      Set<String> keys = new LinkedHashSet<>();
      for (String t : PromptTags.normalizedTags(d.prompt())) {
        String k = PromptTags.key(t);
        if (known.getOrDefault(k, 0) >= MIN_MAPPED_TAG_PROMPTS) {
          keys.add(k);
        }
      }
      StyleFamily fam = familyOf(allKeys(d.prompt()));
      familyChats[fam.ordinal()]++;
      for (String k : keys) {
        tagPairs.merge(k, 1, Integer::sum);
      }
      for (String w : chatWords) {
        int[] kc = keep.computeIfAbsent(w, x -> new int[2]);
        kc[0]++;
        keptTotal++;
        if (promptWords.contains(w)) {
          kc[1]++;
          kept++;
        }
        familyWords.computeIfAbsent(w, x -> new int[nf])[fam.ordinal()]++;
        wordChats.merge(w, 1, Integer::sum);
        Map<String, Integer> m = wordTag.computeIfAbsent(w, x -> new HashMap<>());
        for (String k : keys) {
          m.merge(k, 1, Integer::sum);
        }
      }
    }
    double base = keptTotal == 0 ? 0.3 : (double) kept / keptTotal;
    JsonObject keepJson = new JsonObject();
    new TreeMap<>(keep).forEach((w, kc) -> keepJson.addProperty(w, round((kc[1] + base) / (kc[0] + 1.0))));
    o.add("keep", keepJson);
    JsonObject wt = new JsonObject();
    for (Map.Entry<String, Map<String, Integer>> e : new TreeMap<>(wordTag).entrySet()) {
      String w = e.getKey();
      int nw = wordChats.get(w);
      if (nw < MIN_PAIR_COUNT) {
        continue;
      }
      List<Map.Entry<String, Double>> cand = new ArrayList<>();
      for (Map.Entry<String, Integer> t : e.getValue().entrySet()) {
        double p = (double) t.getValue() / nw;
        double prior = (double) tagPairs.get(t.getKey()) / Math.max(1, pairs);
        if (t.getValue() >= MIN_PAIR_COUNT && p >= MIN_WORD_TAG_P && p >= MIN_LIFT * prior
            && !t.getKey().equals(w)) {
          cand.add(Map.entry(t.getKey(), p));
        }
      }
      if (cand.isEmpty()) {
        continue;
      }
      cand.sort(Map.Entry.<String, Double>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
      JsonArray a = new JsonArray();
      for (Map.Entry<String, Double> t : cand.subList(0, Math.min(4, cand.size()))) {
        a.add(pair(surfaceOf.get(t.getKey()), round(t.getValue())));
      }
      wt.add(w, a);
    }
    o.add("wordTags", wt);
    JsonObject fw = new JsonObject();
    new TreeMap<>(familyWords).forEach((w, counts) -> {
      if (wordChats.get(w) >= 2) {
        JsonArray a = new JsonArray();
        for (int c : counts) {
          a.add(c);
        }
        fw.add(w, a);
      }
    });
    o.add("familyWords", fw);
    JsonArray fc = new JsonArray();
    for (int c : familyChats) {
      fc.add(c);
    }
    o.add("familyChats", fc);
    JsonObject src = new JsonObject();
    src.addProperty("trainPrompts", byImage.size());
    src.addProperty("chatPairs", pairs);
    src.addProperty("holdoutEvery", holdoutEvery);
    o.add("source", src);
  }

  /** The image ids of the held-out chat pairs, whose demos must not feed the statistics. */
  private static Set<Long> heldOut(Path chatsTrainFile, int holdoutEvery) {
    Set<Long> out = new HashSet<>();
    if (holdoutEvery > 0) {
      List<ChatSample> chats = ChatSample.read(chatsTrainFile, ReadMode.LENIENT).records();
      for (int i = 0; i < chats.size(); i += holdoutEvery) {
        out.add(chats.get(i).imageId());
      }
    }
    return out;
  }

  /**
   * Tag profiles: for each checkpoint with at least two {@code train} demos, the community tags
   * its prompts habitually share (used by at least {@value #MIN_PROFILE_SUPPORT} of its prompts and
   * at least {@value #MIN_PROFILE_SHARE} of them, and known community-wide), the same for its
   * negative prompts, and the share of its prompts using each word (again only words of at least
   * two prompts) so that a chat can be matched to the profiles it resembles. Nothing that only one
   * prompt says is kept.
   */
  private static JsonArray profiles(List<Demonstration> train, Set<Long> heldOut, Map<String, Integer> known,
      Map<String, String> surfaceOf) {
    Map<Long, List<Demonstration>> byModel = new TreeMap<>();
    Map<String, Integer> negPrompts = new HashMap<>();
    Map<String, Set<Long>> negModels = new HashMap<>();
    Map<String, String> negSurface = new HashMap<>();
    for (Demonstration d : train) {
      if (heldOut.contains(d.imageId())) {
        continue;
      }
      byModel.computeIfAbsent(d.modelId(), x -> new ArrayList<>()).add(d);
      if (d.negativePrompt() != null) {
        Set<String> seen = new HashSet<>();
        for (String t : PromptTags.normalizedTags(d.negativePrompt())) {
          String k = PromptTags.key(t);
          if (!k.isEmpty() && t.length() <= MAX_TAG_CHARS && k.split(" ").length <= MAX_TAG_WORDS && seen.add(k)) {
            negPrompts.merge(k, 1, Integer::sum);
            negModels.computeIfAbsent(k, x -> new HashSet<>()).add(d.modelId());
            if (CLEAN_SURFACE.matcher(t).matches()) {
              negSurface.putIfAbsent(k, t);
            }
          }
        }
      }
    }
    JsonArray out = new JsonArray();
    for (Map.Entry<Long, List<Demonstration>> e : byModel.entrySet()) {
      List<Demonstration> ds = e.getValue();
      if (ds.size() < 2) {
        continue;
      }
      Map<String, Integer> pos = new HashMap<>();
      Map<String, Integer> neg = new HashMap<>();
      Map<String, Integer> words = new HashMap<>();
      int withNeg = 0;
      for (Demonstration d : ds) {
        for (String k : allKeys(d.prompt())) {
          if (known.containsKey(k)) {
            pos.merge(k, 1, Integer::sum);
          }
        }
        for (String w : new HashSet<>(PromptOverlap.words(d.prompt()))) {
          words.merge(w, 1, Integer::sum);
        }
        if (d.negativePrompt() != null && !d.negativePrompt().isBlank()) {
          withNeg++;
          for (String k : allKeys(d.negativePrompt())) {
            if (negPrompts.getOrDefault(k, 0) >= MIN_TAG_PROMPTS && negModels.get(k).size() >= 2
                && negSurface.containsKey(k)) {
              neg.merge(k, 1, Integer::sum);
            }
          }
        }
      }
      JsonObject p = new JsonObject();
      p.addProperty("model", e.getKey());
      p.addProperty("prompts", ds.size());
      p.add("tags", profileList(pos, ds.size(), surfaceOf, 30));
      p.add("negative", profileList(neg, Math.max(1, withNeg), negSurface, 60));
      JsonObject w = new JsonObject();
      words.entrySet().stream()
          .filter(x -> x.getValue() >= MIN_PROFILE_SUPPORT)
          .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
          .limit(60)
          .forEach(x -> w.addProperty(x.getKey(), round((double) x.getValue() / ds.size())));
      p.add("words", w);
      out.add(p);
    }
    return out;
  }

  private static JsonArray profileList(Map<String, Integer> counts, int n, Map<String, String> surface, int max) {
    JsonArray a = new JsonArray();
    counts.entrySet().stream()
        .filter(x -> x.getValue() >= MIN_PROFILE_SUPPORT && (double) x.getValue() / n >= MIN_PROFILE_SHARE)
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
        .limit(max)
        .forEach(x -> a.add(pair(surface.getOrDefault(x.getKey(), x.getKey()), round((double) x.getValue() / n))));
    return a;
  }

  private static Set<String> allKeys(String prompt) {
    Set<String> keys = new LinkedHashSet<>();
    for (String t : PromptTags.normalizedTags(prompt)) {
      String k = PromptTags.key(t);
      if (!k.isEmpty()) {
        keys.add(k);
      }
    }
    return keys;
  }

  private static JsonArray styleWishes(Map<String, Integer> known) {
    JsonArray a = new JsonArray();
    for (Object[] w : STYLE_WISHES) {
      @SuppressWarnings("unchecked")
      List<String> tags = (List<String>) w[2];
      JsonArray t = new JsonArray();
      for (String tag : tags) {
        if (known.containsKey(PromptTags.key(tag))) {
          t.add(tag);
        }
      }
      JsonObject o = new JsonObject();
      o.addProperty("cue", (String) w[0]);
      o.addProperty("family", ((StyleFamily) w[1]).name());
      o.add("tags", t);
      a.add(o);
    }
    return a;
  }

  static boolean isTechnique(String key) {
    for (String w : key.split(" ")) {
      if (!TECHNIQUE_WORDS.contains(w)) {
        return false;
      }
    }
    return true;
  }

  private static List<Map.Entry<String, Integer>> top(Map<String, Integer> counts, int n) {
    return counts.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
        .limit(n).toList();
  }

  private static JsonArray pair(String tag, double value) {
    JsonArray a = new JsonArray();
    a.add(tag);
    a.add(value);
    return a;
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  /** Writes the vocabulary as gzipped JSON (plain JSON when the name does not end in .gz). */
  public static void write(JsonObject vocab, Path out) throws IOException {
    Path parent = out.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Gson gson = new GsonBuilder().disableHtmlEscaping().create();
    try (OutputStream os = Files.newOutputStream(out);
        OutputStream body = out.toString().endsWith(".gz") ? new GZIPOutputStream(os) : os;
        Writer w = new OutputStreamWriter(body, StandardCharsets.UTF_8)) {
      gson.toJson(vocab, w);
    }
  }
}
