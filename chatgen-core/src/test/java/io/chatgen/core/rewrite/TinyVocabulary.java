package io.chatgen.core.rewrite;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.List;
import java.util.Map;

/** A synthetic vocabulary, written by hand for tests, in the builder's JSON format. */
final class TinyVocabulary {
  private TinyVocabulary() {}

  static JsonObject json() {
    JsonObject o = new JsonObject();
    o.addProperty("format", RewriteVocabulary.FORMAT);
    o.addProperty("version", RewriteVocabulary.VERSION);
    JsonArray tags = new JsonArray();
    for (Object[] t : new Object[][] {{"masterpiece", 500}, {"best quality", 480}, {"1girl", 300},
        {"black hair", 50}, {"looking at viewer", 120}, {"oil painting", 40}, {"photorealistic", 90},
        {"raw photo", 60}, {"night", 70}, {"cafe", 5}, {"close-up", 20}, {"3d render", 8}, {"pixar", 6}}) {
      tags.add(pair((String) t[0], ((Integer) t[1]).doubleValue()));
    }
    o.add("tags", tags);
    JsonObject fam = new JsonObject();
    fam.add("PHOTO", family(List.of(pair("raw photo", 0.5), pair("photorealistic", 0.4)),
        List.of(pair("cartoon", 0.4), pair("3d", 0.3), pair("blurry", 0.3)), 3));
    fam.add("PAINTING", family(List.of(pair("masterpiece", 0.45), pair("illustration", 0.35)),
        List.of(pair("photo", 0.3), pair("blurry", 0.3)), 2));
    fam.add("RENDER_3D", family(List.of(pair("octane render", 0.5)), List.of(pair("photo", 0.3)), 1));
    fam.add("GENERAL", family(List.of(pair("masterpiece", 0.35), pair("best quality", 0.33)),
        List.of(pair("worst quality", 0.5), pair("low quality", 0.5), pair("lowres", 0.2)), 2));
    o.add("families", fam);
    JsonObject keep = new JsonObject();
    for (Map.Entry<String, Double> e : Map.of("help", 0.01, "me", 0.01, "draw", 0.01, "please", 0.01, "a", 0.3,
        "girl", 0.4, "cafe", 0.6, "want", 0.01, "cozy", 0.3, "the", 0.2).entrySet()) {
      keep.addProperty(e.getKey(), e.getValue());
    }
    o.add("keep", keep);
    JsonObject wordTags = new JsonObject();
    JsonArray girl = new JsonArray();
    girl.add(pair("1girl", 0.7));
    wordTags.add("girl", girl);
    o.add("wordTags", wordTags);
    JsonObject familyWords = new JsonObject();
    JsonArray fc = new JsonArray();
    for (int c : new int[] {10, 5, 5, 2, 20}) {
      fc.add(c);
    }
    o.add("familyChats", fc);
    o.add("familyWords", familyWords);
    JsonArray wishes = new JsonArray();
    wishes.add(wish("photo", "PHOTO", "photo", "photorealistic"));
    wishes.add(wish("oil painting", "PAINTING", "oil painting"));
    wishes.add(wish("painting", "PAINTING", "painting"));
    wishes.add(wish("anime", "ANIME", "anime"));
    wishes.add(wish("pixar", "RENDER_3D", "pixar", "3d render"));
    o.add("styleWishes", wishes);
    JsonArray profiles = new JsonArray();
    profiles.add(profile(7, 10, List.of(pair("sharp focus", 0.9), pair("lens flare", 0.2)),
        List.of(pair("blurry", 0.8)), Map.of("lighthouse", 1.0, "storm", 0.5, "sea", 0.5)));
    profiles.add(profile(8, 4, List.of(pair("cute", 0.8)), List.of(), Map.of("cat", 1.0, "kitten", 0.5)));
    profiles.add(profile(9, 4, List.of(pair("bokeh", 0.7)), List.of(), Map.of("dog", 1.0, "sea", 0.5)));
    profiles.add(profile(10, 10, List.of(pair("white background", 0.9)), List.of(), Map.of("circle", 1.0)));
    // a checkpoint known from 2 prompts: its tags are a couple of prompts' words, not habits
    profiles.add(profile(11, 2, List.of(pair("wooden sails", 1.0)), List.of(),
        Map.of("windmill", 1.0, "tulip", 1.0, "field", 1.0)));
    o.add("profiles", profiles);
    return o;
  }

  static RewriteVocabulary vocabulary() {
    return RewriteVocabulary.fromJson(json());
  }

  static EmbeddedPromptRewriter rewriter() {
    return EmbeddedPromptRewriter.builder().vocabulary(vocabulary()).build();
  }

  private static JsonObject family(List<JsonArray> style, List<JsonArray> negative, int count) {
    JsonObject f = new JsonObject();
    f.addProperty("prompts", 100);
    JsonArray s = new JsonArray();
    style.forEach(s::add);
    JsonArray n = new JsonArray();
    negative.forEach(n::add);
    f.add("style", s);
    f.add("negative", n);
    f.addProperty("negativeCount", count);
    return f;
  }

  private static JsonObject profile(long model, int prompts, List<JsonArray> tags, List<JsonArray> negative,
      Map<String, Double> words) {
    JsonObject p = new JsonObject();
    p.addProperty("model", model);
    p.addProperty("prompts", prompts);
    JsonArray t = new JsonArray();
    tags.forEach(t::add);
    JsonArray n = new JsonArray();
    negative.forEach(n::add);
    p.add("tags", t);
    p.add("negative", n);
    JsonObject w = new JsonObject();
    words.forEach(w::addProperty);
    p.add("words", w);
    return p;
  }

  private static JsonObject wish(String cue, String family, String... tags) {
    JsonObject w = new JsonObject();
    w.addProperty("cue", cue);
    w.addProperty("family", family);
    JsonArray t = new JsonArray();
    for (String s : tags) {
      t.add(s);
    }
    w.add("tags", t);
    return w;
  }

  static JsonArray pair(String tag, double v) {
    JsonArray a = new JsonArray();
    a.add(tag);
    a.add(v);
    return a;
  }
}
