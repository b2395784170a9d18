package io.chatgen.core.rewrite;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.chatgen.core.DataFormatException;
import io.chatgen.core.ModelLoadException;
import io.chatgen.core.text.Words;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

/**
 * What the embedded rewriter knows about community prompts: which short tags the community
 * writes (with how many {@code train} prompts use them), the quality/style tags and negative-prompt
 * tags typical of each {@link StyleFamily}, how likely a word of a chat is to reappear in the
 * prompt, which community tags a chat word calls for, word counts per family for guessing the
 * family of a chat, and the plain-language style wishes ("like a photo", "Pixar") with their tags.
 *
 * <p>Built by {@link io.chatgen.core.rewrite.build.RewriteVocabularyBuilder} from the {@code train}
 * demonstrations and the chat-to-prompt pairs of {@code chats-train.jsonl}; it holds statistics
 * and short frequent tags, never whole prompts or chats. Immutable and thread-safe.
 */
public final class RewriteVocabulary {
  /** The resource the SDK ships, gzipped JSON. */
  public static final String RESOURCE = "/io/chatgen/core/rewrite/rewrite-vocabulary.json.gz";
  /** The format name written into every vocabulary file. */
  public static final String FORMAT = "chatgen-rewrite-vocabulary";
  /** The format version this class reads. */
  public static final int VERSION = 1;

  /**
   * A community tag known to the vocabulary.
   *
   * @param surface how the community writes it ("close-up")
   * @param key its {@link PromptTags#key} ("close up")
   * @param prompts how many {@code train} prompts use it
   */
  public record KnownTag(String surface, String key, int prompts) {}

  /**
   * What prompts of one family share.
   *
   * @param prompts how many {@code train} prompts fell in the family
   * @param styleTags quality and style tags with the share of the family's prompts using them,
   *     most used first
   * @param negativeTags negative-prompt tags with the share of the family's negative prompts using
   *     them, most used first
   * @param negativeCount how many of {@code negativeTags} make the best negative prompt (the count
   *     that maximised word F1 against the family's own negative prompts)
   */
  public record FamilyProfile(
      int prompts, List<WeightedTag> styleTags, List<WeightedTag> negativeTags, int negativeCount) {
    public FamilyProfile {
      styleTags = List.copyOf(styleTags);
      negativeTags = List.copyOf(negativeTags);
      if (negativeCount < 0 || negativeCount > negativeTags.size()) {
        throw new DataFormatException("negativeCount " + negativeCount + " is outside 0.." + negativeTags.size());
      }
    }
  }

  /**
   * A plain-language style wish and what the community writes for it.
   *
   * @param cue the wish as words ("oil", "painting")
   * @param family the family it asks for
   * @param tags the community tags for it
   */
  public record StyleWish(List<String> cue, StyleFamily family, List<String> tags) {
    public StyleWish {
      cue = List.copyOf(cue);
      tags = List.copyOf(tags);
    }
  }

  /**
   * What the prompts of one checkpoint habitually share: community tags and negative tags used by
   * at least two of its {@code train} prompts (with the share using them), and how its prompts'
   * words weigh, to match chats against.
   *
   * @param model the checkpoint's catalog id
   * @param prompts how many train prompts it is built from
   * @param tags habitual prompt tags, most shared first
   * @param negativeTags habitual negative-prompt tags, most shared first
   */
  public record Profile(long model, int prompts, List<WeightedTag> tags, List<WeightedTag> negativeTags) {
    public Profile {
      tags = List.copyOf(tags);
      negativeTags = List.copyOf(negativeTags);
    }
  }

  /**
   * A profile and how similar a chat's words are to its prompts' words (TF-IDF cosine).
   *
   * @param profile the profile
   * @param similarity 0 to 1
   */
  public record ScoredProfile(Profile profile, double similarity, int sharedWords) {}

  private static volatile RewriteVocabulary shipped;

  private final JsonObject source;
  private final Map<String, KnownTag> tags;
  private final int maxTagWords;
  private final Map<StyleFamily, FamilyProfile> families;
  private final Map<String, Double> keep;
  private final Map<String, List<WeightedTag>> wordTags;
  private final Map<String, int[]> familyWords;
  private final int[] familyChats;
  private final List<StyleWish> styleWishes;
  private final int maxCueWords;
  private final Map<String, List<StyleWish>> wishesByFirstWord;
  private final List<Profile> profiles;
  private final Map<Long, Profile> profilesByModel;
  private final Map<String, int[]> postingProfiles;
  private final Map<String, float[]> postingWeights;
  private final Map<String, Double> profileIdf;

  private RewriteVocabulary(JsonObject o) {
    String format = o.has("format") ? o.get("format").getAsString() : "";
    int version = o.has("version") ? o.get("version").getAsInt() : -1;
    if (!FORMAT.equals(format) || version != VERSION) {
      throw new DataFormatException("not a rewrite vocabulary of version " + VERSION + " (format \"" + format
          + "\", version " + version + "); rebuild it with RewriteVocabularyBuilder");
    }
    this.source = o.has("source") ? o.getAsJsonObject("source").deepCopy() : new JsonObject();
    Map<String, KnownTag> t = new HashMap<>();
    int maxWords = 1;
    for (JsonElement e : array(o, "tags")) {
      JsonArray a = e.getAsJsonArray();
      String surface = a.get(0).getAsString();
      String key = PromptTags.key(surface);
      if (key.isEmpty()) {
        continue;
      }
      KnownTag k = new KnownTag(surface, key, a.get(1).getAsInt());
      KnownTag old = t.get(key);
      if (old == null || old.prompts() < k.prompts()) {
        t.put(key, k);
      }
      maxWords = Math.max(maxWords, key.split(" ").length);
    }
    this.tags = Collections.unmodifiableMap(t);
    this.maxTagWords = maxWords;
    Map<StyleFamily, FamilyProfile> fam = new EnumMap<>(StyleFamily.class);
    JsonObject fo = o.has("families") ? o.getAsJsonObject("families") : new JsonObject();
    for (StyleFamily f : StyleFamily.values()) {
      JsonObject p = fo.has(f.name()) ? fo.getAsJsonObject(f.name()) : null;
      if (p == null) {
        fam.put(f, new FamilyProfile(0, List.of(), List.of(), 0));
        continue;
      }
      List<WeightedTag> neg = weighted(array(p, "negative"));
      fam.put(f, new FamilyProfile(p.get("prompts").getAsInt(), weighted(array(p, "style")), neg,
          Math.min(neg.size(), p.get("negativeCount").getAsInt())));
    }
    this.families = Collections.unmodifiableMap(fam);
    Map<String, Double> kp = new HashMap<>();
    if (o.has("keep")) {
      for (Map.Entry<String, JsonElement> e : o.getAsJsonObject("keep").entrySet()) {
        kp.put(e.getKey(), e.getValue().getAsDouble());
      }
    }
    this.keep = Collections.unmodifiableMap(kp);
    Map<String, List<WeightedTag>> wt = new HashMap<>();
    if (o.has("wordTags")) {
      for (Map.Entry<String, JsonElement> e : o.getAsJsonObject("wordTags").entrySet()) {
        wt.put(e.getKey(), weighted(e.getValue().getAsJsonArray()));
      }
    }
    this.wordTags = Collections.unmodifiableMap(wt);
    int nf = StyleFamily.values().length;
    Map<String, int[]> fw = new HashMap<>();
    if (o.has("familyWords")) {
      for (Map.Entry<String, JsonElement> e : o.getAsJsonObject("familyWords").entrySet()) {
        fw.put(e.getKey(), counts(e.getValue().getAsJsonArray(), nf, "familyWords." + e.getKey()));
      }
    }
    this.familyWords = Collections.unmodifiableMap(fw);
    this.familyChats = o.has("familyChats") ? counts(o.getAsJsonArray("familyChats"), nf, "familyChats") : new int[nf];
    List<StyleWish> wishes = new ArrayList<>();
    int maxCue = 1;
    for (JsonElement e : array(o, "styleWishes")) {
      JsonObject w = e.getAsJsonObject();
      List<String> cue = Words.of(w.get("cue").getAsString());
      StyleFamily f = StyleFamily.lookup(w.get("family").getAsString())
          .orElseThrow(() -> new DataFormatException("unknown style family " + w.get("family")));
      List<String> wtags = new ArrayList<>();
      for (JsonElement te : w.getAsJsonArray("tags")) {
        wtags.add(te.getAsString());
      }
      if (!cue.isEmpty()) {
        wishes.add(new StyleWish(cue, f, wtags));
        maxCue = Math.max(maxCue, cue.size());
      }
    }
    this.styleWishes = List.copyOf(wishes);
    this.maxCueWords = maxCue;
    Map<String, List<StyleWish>> byFirst = new HashMap<>();
    for (StyleWish w : this.styleWishes) {
      byFirst.computeIfAbsent(w.cue().get(0), k -> new ArrayList<>()).add(w);
    }
    this.wishesByFirstWord = Collections.unmodifiableMap(byFirst);
    List<Profile> prof = new ArrayList<>();
    List<Map<String, Double>> vectors = new ArrayList<>();
    Map<String, Integer> df = new HashMap<>();
    for (JsonElement e : array(o, "profiles")) {
      JsonObject p = e.getAsJsonObject();
      prof.add(new Profile(p.get("model").getAsLong(), p.get("prompts").getAsInt(), weighted(array(p, "tags")),
          weighted(array(p, "negative"))));
      Map<String, Double> v = new HashMap<>();
      if (p.has("words")) {
        for (Map.Entry<String, JsonElement> w : p.getAsJsonObject("words").entrySet()) {
          v.put(w.getKey(), w.getValue().getAsDouble());
          df.merge(w.getKey(), 1, Integer::sum);
        }
      }
      vectors.add(v);
    }
    this.profiles = List.copyOf(prof);
    Map<Long, Profile> byModel = new HashMap<>();
    prof.forEach(pr -> byModel.putIfAbsent(pr.model(), pr));
    this.profilesByModel = Collections.unmodifiableMap(byModel);
    Map<String, Double> idf = new HashMap<>();
    df.forEach((w, n) -> idf.put(w, Math.log((double) prof.size() / n)));
    // inverted index of L2-normalised share*idf vectors: a chat is scored against every profile
    // sharing one of its words, without touching the others
    Map<String, List<int[]>> ids = new HashMap<>();
    Map<String, List<Float>> ws = new HashMap<>();
    for (int i = 0; i < vectors.size(); i++) {
      double norm = 0;
      for (Map.Entry<String, Double> w : vectors.get(i).entrySet()) {
        double x = w.getValue() * idf.get(w.getKey());
        norm += x * x;
      }
      norm = Math.sqrt(norm);
      if (norm == 0) {
        continue;
      }
      for (Map.Entry<String, Double> w : vectors.get(i).entrySet()) {
        double x = w.getValue() * idf.get(w.getKey()) / norm;
        if (x > 0) {
          ids.computeIfAbsent(w.getKey(), k -> new ArrayList<>()).add(new int[] {i});
          ws.computeIfAbsent(w.getKey(), k -> new ArrayList<>()).add((float) x);
        }
      }
    }
    Map<String, int[]> pp = new HashMap<>();
    Map<String, float[]> pw = new HashMap<>();
    for (Map.Entry<String, List<int[]>> e : ids.entrySet()) {
      int[] a = new int[e.getValue().size()];
      float[] b = new float[a.length];
      for (int i = 0; i < a.length; i++) {
        a[i] = e.getValue().get(i)[0];
        b[i] = ws.get(e.getKey()).get(i);
      }
      pp.put(e.getKey(), a);
      pw.put(e.getKey(), b);
    }
    this.postingProfiles = pp;
    this.postingWeights = pw;
    this.profileIdf = Collections.unmodifiableMap(idf);
  }

  /** The tag profile of a checkpoint (by catalog id), if the vocabulary has one. */
  public Optional<Profile> profileOf(long modelId) {
    return Optional.ofNullable(profilesByModel.get(modelId));
  }

  /** How many checkpoint tag profiles the vocabulary holds. */
  public int profileCount() {
    return profiles.size();
  }

  /**
   * The {@code k} profiles whose prompts' words are most like {@code words} (TF-IDF cosine, each
   * distinct word counted once), most similar first; empty when no word is shared.
   */
  public List<ScoredProfile> nearestProfiles(java.util.Collection<String> words, int k) {
    Map<String, Double> q = new HashMap<>();
    double norm = 0;
    for (String w : new java.util.LinkedHashSet<>(words)) {
      Double idf = profileIdf.get(w);
      if (idf != null && idf > 0) {
        q.put(w, idf);
        norm += idf * idf;
      }
    }
    if (q.isEmpty() || k < 1) {
      return List.of();
    }
    norm = Math.sqrt(norm);
    double[] score = new double[profiles.size()];
    int[] shared = new int[profiles.size()];
    for (Map.Entry<String, Double> e : q.entrySet()) {
      int[] ids = postingProfiles.get(e.getKey());
      float[] ws = postingWeights.get(e.getKey());
      for (int i = 0; i < ids.length; i++) {
        score[ids[i]] += e.getValue() / norm * ws[i];
        shared[ids[i]]++;
      }
    }
    // partial selection of the k best: k is small
    List<ScoredProfile> best = new ArrayList<>();
    for (int i = 0; i < score.length; i++) {
      if (score[i] <= 0) {
        continue;
      }
      if (best.size() < k || score[i] > best.get(best.size() - 1).similarity()) {
        ScoredProfile sp = new ScoredProfile(profiles.get(i), score[i], shared[i]);
        int at = best.size();
        while (at > 0 && best.get(at - 1).similarity() < score[i]) {
          at--;
        }
        best.add(at, sp);
        if (best.size() > k) {
          best.remove(best.size() - 1);
        }
      }
    }
    return best;
  }

  /** The vocabulary shipped in the SDK jar, read once. */
  public static RewriteVocabulary shipped() {
    RewriteVocabulary v = shipped;
    if (v == null) {
      synchronized (RewriteVocabulary.class) {
        v = shipped;
        if (v == null) {
          try (InputStream in = RewriteVocabulary.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
              throw new ModelLoadException("the rewrite vocabulary " + RESOURCE
                  + " is missing from the classpath; is chatgen-core's jar complete?");
            }
            v = read(in);
          } catch (IOException e) {
            throw new ModelLoadException("cannot read " + RESOURCE + ": " + e.getMessage(), e);
          }
          shipped = v;
        }
      }
    }
    return v;
  }

  /** Reads a vocabulary file, gzipped or plain JSON. */
  public static RewriteVocabulary read(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return read(in);
    } catch (IOException e) {
      throw new DataFormatException("cannot read rewrite vocabulary " + file + ": " + e.getMessage(), e);
    }
  }

  /** Reads a vocabulary from a stream, gzipped or plain JSON; the stream is not closed. */
  public static RewriteVocabulary read(InputStream in) {
    try {
      BufferedInputStream b = new BufferedInputStream(in);
      b.mark(2);
      int m1 = b.read();
      int m2 = b.read();
      b.reset();
      InputStream body = (m1 == 0x1f && m2 == 0x8b) ? new GZIPInputStream(b) : b;
      Reader r = new InputStreamReader(body, StandardCharsets.UTF_8);
      return fromJson(JsonParser.parseReader(r).getAsJsonObject());
    } catch (IOException | RuntimeException e) {
      if (e instanceof DataFormatException d) {
        throw d;
      }
      throw new DataFormatException("the rewrite vocabulary is not valid: " + e.getMessage(), e);
    }
  }

  /** Builds a vocabulary from its JSON form (the builder writes it; tests build tiny ones). */
  public static RewriteVocabulary fromJson(JsonObject o) {
    try {
      return new RewriteVocabulary(o);
    } catch (DataFormatException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new DataFormatException("the rewrite vocabulary is malformed: " + e, e);
    }
  }

  /** The known tag with this {@link PromptTags#key}, if any. */
  public Optional<KnownTag> tag(String key) {
    return Optional.ofNullable(tags.get(key));
  }

  /** How many tags are known. */
  public int tagCount() {
    return tags.size();
  }

  /** The longest known tag, in words. */
  public int maxTagWords() {
    return maxTagWords;
  }

  /** The profile of a family (empty lists for a family the data never showed). */
  public FamilyProfile family(StyleFamily f) {
    return families.get(f);
  }

  /**
   * How likely a chat word is to reappear in the target prompt, from the chat-to-prompt pairs;
   * empty for a word the pairs never showed.
   */
  public Optional<Double> keepProbability(String word) {
    return Optional.ofNullable(keep.get(word));
  }

  /** Whether English chats of the pairs used this word, or a known tag is this word. */
  public boolean knowsWord(String word) {
    return keep.containsKey(word) || tags.containsKey(word);
  }

  /** The community tags a chat word calls for, with P(tag in prompt | word in chat). */
  public List<WeightedTag> tagsFor(String word) {
    return wordTags.getOrDefault(word, List.of());
  }

  /** Per-family counts of chats containing the word (index = {@link StyleFamily#ordinal}), or null. */
  int[] familyWordCounts(String word) {
    return familyWords.get(word);
  }

  /** Per-family counts of chats (index = {@link StyleFamily#ordinal}). */
  int[] familyChatCounts() {
    return familyChats.clone();
  }

  /** The plain-language style wishes, as shipped. */
  public List<StyleWish> styleWishes() {
    return styleWishes;
  }

  int maxCueWords() {
    return maxCueWords;
  }

  /** The style wishes whose cue starts with this word. */
  List<StyleWish> styleWishesStartingWith(String word) {
    return wishesByFirstWord.getOrDefault(word, List.of());
  }

  /** What the vocabulary was built from, e.g. "3214 tags from 12937 train prompts, 1145 chat pairs". */
  public String describe() {
    return "rewrite vocabulary v" + VERSION + " (" + tags.size() + " tags, " + keep.size() + " chat words, "
        + wordTags.size() + " word->tag maps, " + profiles.size() + " tag profiles; built from " + source + ")";
  }

  private static JsonArray array(JsonObject o, String name) {
    return o.has(name) ? o.getAsJsonArray(name) : new JsonArray();
  }

  private static List<WeightedTag> weighted(JsonArray a) {
    List<WeightedTag> out = new ArrayList<>();
    for (JsonElement e : a) {
      JsonArray p = e.getAsJsonArray();
      out.add(new WeightedTag(p.get(0).getAsString(), p.get(1).getAsDouble()));
    }
    return List.copyOf(out);
  }

  private static int[] counts(JsonArray a, int n, String what) {
    if (a.size() != n) {
      throw new DataFormatException(what + " has " + a.size() + " counts, expected one per style family (" + n + ")");
    }
    int[] c = new int[n];
    for (int i = 0; i < n; i++) {
      c[i] = a.get(i).getAsInt();
    }
    return c;
  }
}
