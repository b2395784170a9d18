package io.chatgen.modeltoken;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.chatgen.core.BaseArchitecture;
import io.chatgen.core.ModelCard;
import io.chatgen.core.ModelFile;
import java.util.ArrayList;
import java.util.List;

/**
 * Model cards to and from JSON, facts only: descriptions are never written, so that shipped
 * vocabularies carry no Civitai text beyond names, tags and trigger words.
 */
final class CardCodec {
  private CardCodec() {}

  static JsonObject toJson(ModelCard c) {
    JsonObject o = new JsonObject();
    o.addProperty("id", c.id());
    o.addProperty("versionId", c.versionId());
    o.addProperty("name", c.name());
    o.addProperty("baseModel", c.baseModel());
    o.add("tags", strings(c.tags()));
    o.add("triggerWords", strings(c.triggerWords()));
    JsonArray files = new JsonArray();
    for (ModelFile f : c.files()) {
      JsonObject fo = new JsonObject();
      fo.addProperty("name", f.name());
      fo.addProperty("sizeKB", f.sizeKb());
      fo.addProperty("type", f.type());
      fo.addProperty("format", f.format());
      fo.addProperty("fp", f.precision());
      fo.addProperty("sha256", f.sha256());
      fo.addProperty("autoV2", f.autoV2());
      files.add(fo);
    }
    o.add("files", files);
    o.addProperty("nsfwTagged", c.nsfwTagged());
    o.addProperty("creator", c.creator());
    return o;
  }

  static ModelCard fromJson(JsonObject o) {
    List<ModelFile> files = new ArrayList<>();
    for (JsonElement e : o.getAsJsonArray("files")) {
      JsonObject f = e.getAsJsonObject();
      files.add(new ModelFile(f.get("name").getAsString(), f.get("sizeKB").getAsDouble(),
          f.get("type").getAsString(), opt(f, "format"), opt(f, "fp"), opt(f, "sha256"), opt(f, "autoV2")));
    }
    String baseModel = o.get("baseModel").getAsString();
    return new ModelCard(o.get("id").getAsLong(), o.get("versionId").getAsLong(), o.get("name").getAsString(),
        BaseArchitecture.fromCivitai(baseModel), baseModel, list(o.getAsJsonArray("tags")),
        list(o.getAsJsonArray("triggerWords")), "", files, o.get("nsfwTagged").getAsBoolean(), opt(o, "creator"));
  }

  private static JsonArray strings(List<String> values) {
    JsonArray a = new JsonArray();
    values.forEach(a::add);
    return a;
  }

  private static List<String> list(JsonArray a) {
    List<String> out = new ArrayList<>();
    a.forEach(e -> out.add(e.getAsString()));
    return out;
  }

  private static @org.jspecify.annotations.Nullable String opt(JsonObject o, String key) {
    JsonElement e = o.get(key);
    return e == null || e.isJsonNull() ? null : e.getAsString();
  }
}
