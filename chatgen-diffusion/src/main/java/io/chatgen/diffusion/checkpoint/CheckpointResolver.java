package io.chatgen.diffusion.checkpoint;

import io.chatgen.core.InvalidRequestException;
import io.chatgen.core.ModelCard;
import io.chatgen.core.ModelFile;
import io.chatgen.core.ModelLoadException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the local {@code .safetensors} file of a model card in a models folder (searched to a
 * depth of 4, like A1111's {@code models/Stable-diffusion} with subfolders).
 *
 * <p>Order: a file whose name is one of the card's file names and whose hash matches the card's
 * SHA-256 or AutoV2; else any file whose hash matches (renamed downloads); else a file with one of
 * the card's names when the card lists no hash for it; else a name match whose hash differs (an
 * other version under the same name; logged as a warning). Pickle files ({@code .ckpt},
 * {@code .pt}) are never returned. Hashes are cached per file (path, size, modification time),
 * since hashing a 2-7 GB file takes seconds: across runs in {@code
 * ~/.cache/chatgen/checkpoint-hashes.tsv} by default (a folder of 100 checkpoints would otherwise
 * be read whole on every start), or in a file the caller names, or only for the life of the
 * resolver.
 *
 * <p>Thread-safe.
 */
public final class CheckpointResolver {
  private static final Logger log = LoggerFactory.getLogger(CheckpointResolver.class);
  private static final int MAX_DEPTH = 4;

  private final Path modelsDir;
  private final HashCache hashCache;

  /**
   * A resolver that remembers hashes in the default cache file.
   *
   * @throws InvalidRequestException when the folder does not exist
   */
  public CheckpointResolver(Path modelsDir) {
    this(modelsDir, HashCache.defaultFile());
  }

  /**
   * A resolver that remembers hashes in {@code hashCacheFile} (created when missing), or only in
   * memory when it is null.
   *
   * @throws InvalidRequestException when the folder does not exist
   */
  public CheckpointResolver(Path modelsDir, @Nullable Path hashCacheFile) {
    if (!Files.isDirectory(modelsDir)) {
      throw new InvalidRequestException("models folder " + modelsDir
          + " does not exist or is not a folder; point models.dir at the folder holding .safetensors checkpoints");
    }
    this.modelsDir = modelsDir;
    this.hashCache = new HashCache(hashCacheFile);
  }

  /** The folder searched. */
  public Path modelsDir() {
    return modelsDir;
  }

  /** The {@code .safetensors} files in the folder, sorted by path. */
  public List<Path> checkpoints() {
    try (Stream<Path> s = Files.walk(modelsDir, MAX_DEPTH)) {
      return s.filter(Files::isRegularFile)
          .filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".safetensors"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new ModelLoadException("cannot list models folder " + modelsDir + ": " + e.getMessage(), e);
    }
  }

  /** The card's checkpoint file, if one is installed. */
  public Optional<ResolvedCheckpoint> resolve(ModelCard card) {
    return resolve(card, checkpoints(), new HashMap<>());
  }

  /**
   * The installed checkpoint of each card that has one, in the cards' order. One listing of the
   * folder and one hash lookup per file serve all cards: resolving a catalog of thousands of
   * cards one by one would list the folder and look up every file's hash for each card.
   */
  public Map<ModelCard, ResolvedCheckpoint> resolveAll(Collection<ModelCard> cards) {
    List<Path> files = checkpoints();
    Map<Path, String> hashes = new HashMap<>();
    Map<ModelCard, ResolvedCheckpoint> out = new LinkedHashMap<>();
    if (!files.isEmpty()) {
      for (ModelCard c : cards) {
        resolve(c, files, hashes).ifPresent(r -> out.put(c, r));
      }
    }
    return out;
  }

  /** The card's checkpoint among {@code files}; {@code hashes} memoises {@link #sha256} per file. */
  private Optional<ResolvedCheckpoint> resolve(ModelCard card, List<Path> files, Map<Path, String> hashes) {
    List<ModelFile> weights = card.files().stream().filter(ModelFile::isWeights).toList();
    List<Path> byName = new ArrayList<>();
    for (Path p : files) {
      String name = p.getFileName().toString();
      if (weights.stream().anyMatch(f -> f.name().equalsIgnoreCase(name))) {
        byName.add(p);
      }
    }
    boolean cardHasHash = weights.stream().anyMatch(f -> f.sha256() != null || f.autoV2() != null);
    if (cardHasHash) {
      for (Path p : byName) {
        String sha = hashes.computeIfAbsent(p, this::sha256);
        if (matches(weights, sha)) {
          return Optional.of(new ResolvedCheckpoint(p, ResolvedCheckpoint.Match.HASH, sha));
        }
      }
      for (Path p : files) {
        if (!byName.contains(p)) {
          String sha = hashes.computeIfAbsent(p, this::sha256);
          if (matches(weights, sha)) {
            return Optional.of(new ResolvedCheckpoint(p, ResolvedCheckpoint.Match.HASH, sha));
          }
        }
      }
    }
    if (!byName.isEmpty()) {
      Path p = byName.get(0);
      if (cardHasHash) {
        log.warn("{} has the name of {} but not its hash; using it anyway", p, card.label());
      }
      return Optional.of(new ResolvedCheckpoint(p, ResolvedCheckpoint.Match.FILE_NAME,
          cardHasHash ? hashes.computeIfAbsent(p, this::sha256) : null));
    }
    return Optional.empty();
  }

  /** The SHA-256 of a file, cached by path, size and modification time. */
  public String sha256(Path file) {
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(file, BasicFileAttributes.class);
    } catch (IOException e) {
      throw new ModelLoadException("cannot read checkpoint " + file + ": " + e.getMessage(), e);
    }
    return hashCache.sha256(file, a.size(), a.lastModifiedTime().toMillis(), () -> {
      log.info("hashing {} (SHA-256)", file);
      return CheckpointHashes.sha256(file);
    });
  }

  /** The hash cache's entries (path | size | modified millis), for tests. */
  List<String> cachedKeys() {
    return hashCache.keys();
  }

  private static boolean matches(List<ModelFile> weights, String sha) {
    String auto = CheckpointHashes.autoV2OfSha256(sha);
    for (ModelFile f : weights) {
      if (sha.equalsIgnoreCase(f.sha256()) || (f.sha256() == null && auto.equalsIgnoreCase(f.autoV2()))) {
        return true;
      }
    }
    return false;
  }
}
