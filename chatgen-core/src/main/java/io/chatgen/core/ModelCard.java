package io.chatgen.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What is known about one checkpoint version: catalog facts, never its weights.
 *
 * @param id the catalog (Civitai model) id
 * @param versionId the version id
 * @param name the model's name
 * @param base the base architecture
 * @param baseModel the catalog's own base-model label ("SD 1.5")
 * @param tags the catalog tags, lower-cased
 * @param triggerWords words that activate the model's style
 * @param description the author's description as plain text (may be empty)
 * @param files the version's files
 * @param nsfwTagged whether the name or tags carry explicit words; safe mode leaves these out
 * @param creator the author's user name, or null
 */
public record ModelCard(
    long id,
    long versionId,
    String name,
    BaseArchitecture base,
    String baseModel,
    List<String> tags,
    List<String> triggerWords,
    String description,
    List<ModelFile> files,
    boolean nsfwTagged,
    @Nullable String creator) {

  public ModelCard {
    if (id < 0 || versionId < 0) {
      throw new InvalidRequestException("model ids must be >= 0, got id=" + id + " versionId=" + versionId);
    }
    Checks.notBlank(name, "model name");
    Checks.notNull(base, "base");
    Checks.notNull(baseModel, "baseModel");
    tags = Checks.list(tags, "tags").stream().map(t -> t.toLowerCase(Locale.ROOT)).toList();
    triggerWords = Checks.list(triggerWords, "triggerWords").stream()
        .map(String::trim).filter(w -> !w.isEmpty()).toList();
    Checks.notNull(description, "description");
    files = Checks.list(files, "files");
  }

  /** A card with only the facts needed to select and run a model. */
  public static ModelCard of(long id, long versionId, String name, BaseArchitecture base) {
    return new ModelCard(id, versionId, name, base, base.label(), List.of(), List.of(), "", List.of(), false, null);
  }

  /** The primary weights file: the first SafeTensor model file, else the first weights file. */
  public Optional<ModelFile> primaryFile() {
    return files.stream().filter(ModelFile::isWeights).filter(f -> !f.isPickle()).findFirst()
        .or(() -> files.stream().filter(ModelFile::isWeights).findFirst());
  }

  /** The AutoV2 short hashes of all weights files, upper-case. */
  public List<String> autoV2Hashes() {
    List<String> out = new ArrayList<>();
    for (ModelFile f : files) {
      if (f.isWeights() && f.autoV2() != null) {
        out.add(f.autoV2());
      }
    }
    return out;
  }

  /** "name (id/versionId)", for messages. */
  public String label() {
    return name + " (" + id + "/" + versionId + ")";
  }
}
