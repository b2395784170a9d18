package io.chatgen.core.data;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.chatgen.core.BaseArchitecture;
import io.chatgen.core.DataFormatException;
import io.chatgen.core.ModelCard;
import io.chatgen.core.ModelFile;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Checkpoints by catalog id, version id, name and file hash. One {@link ModelCard} per version;
 * a model's first listed version (Civitai lists the newest first) stands for the model.
 *
 * <p>Immutable and thread-safe once built.
 */
public final class ModelCatalog {
  /**
   * A tag: no "<" inside, so that a run of "<" (or "320 <= size <= 1024" in a description) is not
   * scanned to the next ">" from every "<" (quadratic: 20,000 of them took 1 s) nor swallowed
   * whole; of the 10,330 descriptions of models.jsonl, 4 read differently, each keeping text
   * the old pattern deleted.
   */
  private static final Pattern HTML_TAG = Pattern.compile("<[^<>]*>");

  private final List<ModelCard> cards;
  private final Map<Long, ModelCard> byId = new LinkedHashMap<>();
  private final Map<Long, ModelCard> byVersion = new LinkedHashMap<>();
  private final Map<String, ModelCard> byName = new LinkedHashMap<>();
  private final Map<String, ModelCard> byHash = new LinkedHashMap<>();
  private final int skipped;

  private ModelCatalog(List<ModelCard> cards, int skipped) {
    this.cards = List.copyOf(cards);
    this.skipped = skipped;
    for (ModelCard c : this.cards) {
      byId.putIfAbsent(c.id(), c);
      byVersion.putIfAbsent(c.versionId(), c);
      byName.putIfAbsent(c.name().toLowerCase(Locale.ROOT), c);
      for (ModelFile f : c.files()) {
        if (f.sha256() != null) {
          byHash.putIfAbsent(f.sha256(), c);
        }
        if (f.autoV2() != null) {
          byHash.putIfAbsent(f.autoV2(), c);
        }
      }
    }
  }

  /** A catalog of the given cards (e.g. built by the caller or in a test). */
  public static ModelCatalog of(Collection<ModelCard> cards) {
    return new ModelCatalog(new ArrayList<>(cards), 0);
  }

  /** Reads {@code models.jsonl} (the format of {@code ../shared/civitai}). */
  public static ModelCatalog readJsonl(Path file, ReadMode mode) {
    ReadResult<List<ModelCard>> r = JsonLines.read(file, mode, ModelCatalog::fromJsonl);
    List<ModelCard> cards = new ArrayList<>();
    r.records().forEach(cards::addAll);
    return new ModelCatalog(cards, r.skipped());
  }

  /**
   * Reads Civitai's own API JSON: one {@code /api/v1/models/{id}} response per file, or a
   * {@code /api/v1/models} page whose {@code items} are such responses.
   */
  public static ModelCatalog readApiJson(Collection<Path> files) {
    List<ModelCard> cards = new ArrayList<>();
    for (Path f : files) {
      JsonElement root;
      try (Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
        root = JsonParser.parseReader(r);
      } catch (IOException | RuntimeException e) {
        throw new DataFormatException("cannot read Civitai API JSON " + f + ": " + e.getMessage(), e);
      }
      try {
        if (!root.isJsonObject()) {
          throw new DataFormatException("expected a JSON object");
        }
        JsonObject o = root.getAsJsonObject();
        if (o.has("items")) {
          for (JsonElement item : Json.array(o, "items")) {
            cards.addAll(fromApi(item.getAsJsonObject()));
          }
        } else {
          cards.addAll(fromApi(o));
        }
      } catch (RuntimeException e) {
        throw new DataFormatException(f + ": not a Civitai model response: " + e.getMessage(), e);
      }
    }
    return new ModelCatalog(cards, 0);
  }

  /** All cards, one per version, in file order. */
  public List<ModelCard> cards() {
    return cards;
  }

  /** One card per model (its first listed version). */
  public Collection<ModelCard> models() {
    return byId.values();
  }

  /** Malformed lines skipped in lenient mode. */
  public int skipped() {
    return skipped;
  }

  public Optional<ModelCard> byId(long modelId) {
    return Optional.ofNullable(byId.get(modelId));
  }

  public Optional<ModelCard> byVersionId(long versionId) {
    return Optional.ofNullable(byVersion.get(versionId));
  }

  /** By name, ignoring case. */
  public Optional<ModelCard> byName(String name) {
    return Optional.ofNullable(byName.get(name.toLowerCase(Locale.ROOT)));
  }

  /** By a file's full SHA-256 or its AutoV2 short hash (10 hex), ignoring case. */
  public Optional<ModelCard> byHash(String hash) {
    return Optional.ofNullable(byHash.get(hash.trim().toUpperCase(Locale.ROOT)));
  }

  public int size() {
    return cards.size();
  }

  private static List<ModelCard> fromJsonl(JsonObject o) {
    long id = Json.longValue(o, "id");
    String name = Json.string(o, "name");
    List<String> tags = Json.strings(o, "tags");
    String description = plain(Json.optString(o, "description"));
    Boolean nsfw = Json.optBoolean(o, "nsfwTagged");
    String creator = Json.optString(o, "creator");
    List<ModelCard> out = new ArrayList<>();
    for (JsonElement ve : Json.array(o, "versions")) {
      JsonObject v = ve.getAsJsonObject();
      List<ModelFile> files = new ArrayList<>();
      for (JsonElement fe : Json.array(v, "files")) {
        JsonObject f = fe.getAsJsonObject();
        Double size = Json.optDouble(f, "sizeKB");
        String type = Json.optString(f, "type");
        files.add(new ModelFile(Json.string(f, "name"), size == null ? 0 : size, type == null ? "Model" : type,
            Json.optString(f, "format"), Json.optString(f, "fp"), Json.optString(f, "sha256"),
            Json.optString(f, "autoV2")));
      }
      out.add(card(id, v, name, tags, description, files, nsfw != null && nsfw, creator));
    }
    return out;
  }

  private static List<ModelCard> fromApi(JsonObject o) {
    long id = Json.longValue(o, "id");
    String name = Json.string(o, "name");
    List<String> tags = new ArrayList<>();
    for (JsonElement t : Json.array(o, "tags")) {
      tags.add(t.isJsonObject() ? Json.string(t.getAsJsonObject(), "name") : t.getAsString());
    }
    String description = plain(Json.optString(o, "description"));
    Boolean nsfw = Json.optBoolean(o, "nsfw");
    JsonObject creatorObj = Json.optObject(o, "creator");
    String creator = creatorObj == null ? null : Json.optString(creatorObj, "username");
    List<ModelCard> out = new ArrayList<>();
    for (JsonElement ve : Json.array(o, "modelVersions")) {
      JsonObject v = ve.getAsJsonObject();
      List<ModelFile> files = new ArrayList<>();
      for (JsonElement fe : Json.array(v, "files")) {
        JsonObject f = fe.getAsJsonObject();
        JsonObject meta = Json.optObject(f, "metadata");
        JsonObject hashes = Json.optObject(f, "hashes");
        Double size = Json.optDouble(f, "sizeKB");
        String type = Json.optString(f, "type");
        files.add(new ModelFile(Json.string(f, "name"), size == null ? 0 : size, type == null ? "Model" : type,
            meta == null ? null : Json.optString(meta, "format"), meta == null ? null : Json.optString(meta, "fp"),
            hashes == null ? null : Json.optString(hashes, "SHA256"),
            hashes == null ? null : Json.optString(hashes, "AutoV2")));
      }
      out.add(card(id, v, name, tags, description, files, nsfw != null && nsfw, creator));
    }
    return out;
  }

  private static ModelCard card(long id, JsonObject v, String name, List<String> tags, String description,
      List<ModelFile> files, boolean nsfw, @Nullable String creator) {
    String baseModel = Json.optString(v, "baseModel");
    String versionDescription = plain(Json.optString(v, "description"));
    String full = versionDescription.isBlank() || description.contains(versionDescription)
        ? description : description + "\n" + versionDescription;
    return new ModelCard(id, Json.longValue(v, "id"), name,
        BaseArchitecture.fromCivitai(baseModel == null ? "" : baseModel), baseModel == null ? "Other" : baseModel,
        tags, Json.strings(v, "trainedWords"), full, files, nsfw, creator);
  }

  /** Civitai API descriptions are HTML; the dump's are plain text already. */
  private static String plain(@Nullable String text) {
    if (text == null) {
      return "";
    }
    if (text.indexOf('<') < 0) {
      return text;
    }
    String s = text.replaceAll("(?i)<br\\s*/?>|</p>|</li>|</h\\d>", "\n");
    s = HTML_TAG.matcher(s).replaceAll("");
    return s.replace("&nbsp;", " ").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
        .replace("&quot;", "\"").replace("&#39;", "'").strip();
  }
}
