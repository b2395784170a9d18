package io.chatgen.examples.cli;

import io.chatgen.core.BaseArchitecture;
import io.chatgen.core.ChatGenException;
import io.chatgen.core.ModelCard;
import io.chatgen.core.ModelFile;
import io.chatgen.core.ModelChoice;
import io.chatgen.core.ScoredModel;
import io.chatgen.core.stage.ModelSelector;
import io.chatgen.diffusion.checkpoint.CheckpointResolver;
import io.chatgen.diffusion.safetensors.SafetensorsFile;
import io.chatgen.diffusion.safetensors.SafetensorsReader;
import io.chatgen.modeltoken.ModelTokenSelector;
import io.chatgen.modeltoken.ModelTokenTrainer;
import io.chatgen.modeltoken.NewModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restricts model selection to the checkpoints installed in a models folder: the cards whose file
 * hash or file name matches a {@code .safetensors} file there, and, for the ModelToken selector,
 * the folder's other SD 1.x checkpoints, added to the vocabulary zero-shot under their file names.
 */
final class InstalledModels {
  /** Ids of cards made for local files: above every Civitai id, stable per file name. */
  static final long LOCAL_ID_BASE = 1L << 40;
  /** Tensors an SD 1.x checkpoint in the original LDM layout has, which the generator loads. */
  private static final List<String> SD1_KEYS = List.of("model.diffusion_model.input_blocks.0.0.weight",
      "cond_stage_model.transformer.text_model.embeddings.token_embedding.weight");
  private static final Logger log = LoggerFactory.getLogger(InstalledModels.class);

  private InstalledModels() {}

  /** The catalog cards that have a local checkpoint in {@code modelsDir}. */
  static List<ModelCard> find(Path modelsDir, Collection<ModelCard> catalog) {
    return List.copyOf(resolve(new CheckpointResolver(modelsDir), catalog).keySet());
  }

  /** The catalog cards with a local checkpoint, each with its file, in catalog order. */
  private static Map<ModelCard, Path> resolve(CheckpointResolver resolver, Collection<ModelCard> catalog) {
    Map<ModelCard, Path> installed = new LinkedHashMap<>();
    if (resolver.checkpoints().isEmpty()) {
      return installed;
    }
    for (ModelCard c : catalog) {
      resolver.resolve(c).ifPresent(r -> installed.put(c, r.file()));
    }
    return installed;
  }

  /**
   * Cards for the folder's checkpoints that no catalog card claims: named after the file
   * ("dream_shaper-8.safetensors" is "dream shaper 8"), SD 1.x, with the file as their only file,
   * so the generator finds it again by name without hashing it. Files in another layout (SDXL,
   * a LoRA, a VAE) or unreadable ones are left out with a warning: the generator could not draw
   * with them.
   */
  static List<ModelCard> localCards(Path modelsDir, Collection<Path> claimed) {
    CheckpointResolver resolver = new CheckpointResolver(modelsDir);
    List<ModelCard> out = new ArrayList<>();
    Set<Long> ids = new HashSet<>();
    for (Path file : resolver.checkpoints()) {
      if (claimed.contains(file)) {
        continue;
      }
      String fileName = file.getFileName().toString();
      if (!isSd1(file)) {
        log.warn("{} is not an SD 1.x checkpoint in the original layout; left out of selection", file);
        continue;
      }
      long id = LOCAL_ID_BASE + (fileName.toLowerCase(Locale.ROOT).hashCode() & 0xFFFF_FFFFL);
      while (!ids.add(id)) {
        id++;
      }
      String name = fileName.substring(0, fileName.length() - ".safetensors".length())
          .replaceAll("[_\\-.\\s]+", " ").strip();
      double sizeKb;
      try {
        sizeKb = Files.size(file) / 1024.0;
      } catch (IOException e) {
        log.warn("cannot read the size of {}: {}; left out of selection", file, e.getMessage());
        continue;
      }
      out.add(new ModelCard(id, id, name.isEmpty() ? fileName : name, BaseArchitecture.SD_1,
          "SD 1.x (local file, not in the catalog)", List.of(), List.of(), "",
          List.of(new ModelFile(fileName, sizeKb, "Model", "SafeTensor", null, null, null)), false, null));
    }
    return out;
  }

  private static boolean isSd1(Path file) {
    try (SafetensorsFile f = SafetensorsReader.open(file)) {
      return f.names().containsAll(SD1_KEYS);
    } catch (RuntimeException e) {
      log.warn("cannot read the header of {}: {}", file, e.getMessage());
      return false;
    }
  }

  /**
   * A selector that only picks installed models. The ModelToken selector is rebuilt with an
   * allow-list (so the whole vocabulary is searched), after adding the folder's checkpoints that
   * the catalog does not know zero-shot ({@link #localCards}: their names are all the selector
   * knows of them); any other selector is filtered and its probabilities renormalised over what
   * remains.
   *
   * @param notes where a sentence about checkpoints added by file name goes
   */
  static ModelSelector restrict(ModelSelector selector, Path modelsDir, List<String> notes) {
    if (selector instanceof ModelTokenSelector mts) {
      Map<ModelCard, Path> installed = resolve(new CheckpointResolver(modelsDir), mts.vocabulary().cards());
      List<ModelCard> local = localCards(modelsDir, installed.values());
      if (installed.isEmpty() && local.isEmpty()) {
        throw new ChatGenException("no checkpoint in " + modelsDir + " can be used: none is in the model "
            + "vocabulary (matched by SHA-256/AutoV2 hash or file name) and none is an SD 1.x .safetensors "
            + "checkpoint; drop --models-dir to plan with every known model");
      }
      List<Long> allowed = new ArrayList<>(installed.keySet().stream().map(ModelCard::id).toList());
      if (local.isEmpty()) {
        return mts.copySettings().optAllowedModels(allowed).build();
      }
      local.forEach(c -> allowed.add(c.id()));
      notes.add(local.size() + " checkpoint(s) in " + modelsDir + " are not in the catalog and were added by "
          + "file name only: " + local.stream().map(ModelCard::name).collect(Collectors.joining(", ")));
      try (ModelTokenSelector expanded = mts.expand(local.stream().map(NewModel::zeroShot).toList(),
          ModelTokenTrainer.builder().build())) {
        return expanded.copySettings().optAllowedModels(allowed).build();
      }
    }
    return (request, prompt) -> {
      ModelChoice choice = selector.select(request, prompt);
      Set<Long> ids = find(modelsDir, choice.ranked().stream().map(ScoredModel::model).toList()).stream()
          .map(ModelCard::id).collect(Collectors.toSet());
      List<ScoredModel> kept = choice.ranked().stream().filter(s -> ids.contains(s.model().id())).toList();
      if (kept.isEmpty()) {
        throw new ChatGenException("the selector ranked no model installed in " + modelsDir);
      }
      double sum = kept.stream().mapToDouble(ScoredModel::probability).sum();
      List<ScoredModel> renormalised = kept.stream()
          .map(s -> new ScoredModel(s.model(), sum > 0 ? s.probability() / sum : 1.0 / kept.size())).toList();
      List<String> choiceNotes = new ArrayList<>(choice.notes());
      choiceNotes.add("restricted to the checkpoints installed in " + modelsDir);
      return new ModelChoice(renormalised, choiceNotes);
    };
  }
}
