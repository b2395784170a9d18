package io.chatgen.diffusion.checkpoint;

import io.chatgen.core.BaseArchitecture;
import io.chatgen.core.ModelCard;
import io.chatgen.core.ModelFile;
import io.chatgen.core.stage.InstalledModels;
import io.chatgen.diffusion.safetensors.SafetensorsFile;
import io.chatgen.diffusion.safetensors.SafetensorsReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checkpoints installed in a models folder, seen from a catalog: the catalog's cards whose
 * checkpoint is there ({@link CheckpointResolver}: by hash, else by file name), and a card for each
 * other SD 1.x checkpoint there, which the catalog does not know (a merge of one's own, a renamed
 * or newer file), named after its file. {@code StableDiffusionGenerator} offers it to the pipeline,
 * which restricts model selection to it ({@code ModelSelector.restrictedTo}); the ModelToken
 * selector adds the unknown cards to its vocabulary zero-shot.
 *
 * <pre>{@code
 * InstalledModels.Found local = InstalledCheckpoints.in(dir).find(selector.vocabulary().cards());
 * }</pre>
 *
 * <p>Thread-safe as far as its resolver is: it caches file hashes, which take seconds each.
 */
public final class InstalledCheckpoints implements InstalledModels {
  /** Ids of cards made for local files: above every Civitai id, stable per file name. */
  public static final long LOCAL_ID_BASE = 1L << 40;
  /** Tensors an SD 1.x checkpoint in the original LDM layout has, which the generator loads. */
  public static final List<String> SD1_TENSORS = List.of("model.diffusion_model.input_blocks.0.0.weight",
      "cond_stage_model.transformer.text_model.embeddings.token_embedding.weight");
  private static final Logger log = LoggerFactory.getLogger(InstalledCheckpoints.class);

  private final CheckpointResolver resolver;

  /** The checkpoints the resolver finds (sharing its cache of file hashes). */
  public InstalledCheckpoints(CheckpointResolver resolver) {
    this.resolver = resolver;
  }

  /**
   * The checkpoints in a models folder.
   *
   * @throws io.chatgen.core.InvalidRequestException when the folder does not exist
   */
  public static InstalledCheckpoints in(Path modelsDir) {
    return new InstalledCheckpoints(new CheckpointResolver(modelsDir));
  }

  @Override
  public String where() {
    return "models folder " + resolver.modelsDir();
  }

  @Override
  public boolean isInstalled(ModelCard card) {
    return resolver.resolve(card).isPresent();
  }

  /** One listing of the folder for all the cards. */
  @Override
  public List<ModelCard> installedAmong(Collection<ModelCard> cards) {
    return List.copyOf(resolver.resolveAll(cards).keySet());
  }

  /** Resolves the whole catalog against one listing of the folder, then makes cards for the rest. */
  @Override
  public Found find(Collection<ModelCard> catalog) {
    List<Path> files = resolver.checkpoints();
    Map<ModelCard, ResolvedCheckpoint> found = resolver.resolveAll(catalog, files);
    Set<Path> claimed = new HashSet<>();
    found.values().forEach(r -> claimed.add(r.file()));
    return new Found(List.copyOf(found.keySet()), unknownCards(files, claimed));
  }

  /**
   * Cards for the checkpoints no catalog card claims: named after the file
   * ("dream_shaper-8.safetensors" is "dream shaper 8"), SD 1.x, with the file as their only file,
   * so that the resolver finds it again by name without hashing it. Files in another layout
   * (SDXL, a LoRA, a VAE) or unreadable ones are left out with a warning: the generator could
   * not draw with them.
   */
  private static List<ModelCard> unknownCards(List<Path> files, Set<Path> claimed) {
    List<ModelCard> out = new ArrayList<>();
    Set<Long> ids = new HashSet<>();
    for (Path file : files) {
      if (claimed.contains(file)) {
        continue;
      }
      if (!isSd1(file)) {
        log.warn("{} is not an SD 1.x checkpoint in the original layout; left out", file);
        continue;
      }
      double sizeKb;
      try {
        sizeKb = Files.size(file) / 1024.0;
      } catch (IOException e) {
        log.warn("cannot read the size of {}: {}; left out", file, e.getMessage());
        continue;
      }
      String fileName = file.getFileName().toString();
      long id = LOCAL_ID_BASE + (fileName.toLowerCase(Locale.ROOT).hashCode() & 0xFFFF_FFFFL);
      while (!ids.add(id)) {
        id++;
      }
      String name = fileName.substring(0, fileName.length() - ".safetensors".length())
          .replaceAll("[_\\-.\\s]+", " ").strip();
      out.add(new ModelCard(id, id, name.isEmpty() ? fileName : name, BaseArchitecture.SD_1,
          "SD 1.x (local file, not in the catalog)", List.of(), List.of(), "",
          List.of(new ModelFile(fileName, sizeKb, "Model", "SafeTensor", null, null, null)), false, null));
    }
    return out;
  }

  private static boolean isSd1(Path file) {
    try (SafetensorsFile f = SafetensorsReader.open(file)) {
      return f.names().containsAll(SD1_TENSORS);
    } catch (RuntimeException e) {
      log.warn("cannot read the header of {}: {}", file, e.getMessage());
      return false;
    }
  }
}
