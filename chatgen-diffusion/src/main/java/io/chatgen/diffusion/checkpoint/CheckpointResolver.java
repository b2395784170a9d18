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
    return new Listing(checkpoints()).resolve(card);
  }

  /**
   * The installed checkpoint of each card that has one, in the cards' order. One listing of the
   * folder, indexed by file name and hash, serves all cards: resolving a catalog of thousands of
   * cards one by one would list the folder for each card, and comparing every card with every file
   * cost about half a second for 2,400 cards and 200 files.
   */
  public Map<ModelCard, ResolvedCheckpoint> resolveAll(Collection<ModelCard> cards) {
    return resolveAll(cards, checkpoints());
  }

  /** {@link #resolveAll(Collection)} against a listing the caller already has ({@link #checkpoints()}). */
  Map<ModelCard, ResolvedCheckpoint> resolveAll(Collection<ModelCard> cards, List<Path> files) {
    Listing listing = new Listing(files);
    Map<ModelCard, ResolvedCheckpoint> out = new LinkedHashMap<>();
    for (ModelCard c : cards) {
      listing.resolve(c).ifPresent(r -> out.put(c, r));
    }
    return out;
  }

  /**
   * One listing of the folder, indexed by lower-cased file name and, once a card with a hash needs
   * it, by SHA-256 and AutoV2 (each file hashed at most once, through the hash cache).
   */
  private final class Listing {
    private final List<Path> files;
    private final Map<String, List<Integer>> byName = new HashMap<>();
    private final String[] sha;
    /** Lower-cased SHA-256 / AutoV2 to the first file (in listing order) that has it; built on demand. */
    private @Nullable Map<String, Integer> bySha;
    private @Nullable Map<String, Integer> byAutoV2;

    Listing(List<Path> files) {
      this.files = files;
      this.sha = new String[files.size()];
      for (int i = 0; i < files.size(); i++) {
        byName.computeIfAbsent(files.get(i).getFileName().toString().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
            .add(i);
      }
    }

    private String sha(int i) {
      if (sha[i] == null) {
        sha[i] = sha256(files.get(i));
      }
      return sha[i];
    }

    private void indexHashes() {
      if (bySha != null) {
        return;
      }
      Map<String, Integer> s = new HashMap<>();
      Map<String, Integer> a = new HashMap<>();
      for (int i = 0; i < files.size(); i++) {
        String h = sha(i);
        s.putIfAbsent(h.toLowerCase(Locale.ROOT), i);
        a.putIfAbsent(CheckpointHashes.autoV2OfSha256(h).toLowerCase(Locale.ROOT), i);
      }
      bySha = s;
      byAutoV2 = a;
    }

    /**
     * A file named like one of the card's weights whose hash matches; else the first file whose
     * hash matches (a renamed download); else the first file named like one of them.
     */
    Optional<ResolvedCheckpoint> resolve(ModelCard card) {
      List<ModelFile> weights = card.files().stream().filter(ModelFile::isWeights).toList();
      java.util.TreeSet<Integer> named = new java.util.TreeSet<>();
      for (ModelFile f : weights) {
        named.addAll(byName.getOrDefault(f.name().toLowerCase(Locale.ROOT), List.of()));
      }
      boolean cardHasHash = weights.stream().anyMatch(f -> f.sha256() != null || f.autoV2() != null);
      if (cardHasHash) {
        for (int i : named) {
          if (matches(weights, sha(i))) {
            return Optional.of(new ResolvedCheckpoint(files.get(i), ResolvedCheckpoint.Match.HASH, sha(i)));
          }
        }
        if (!files.isEmpty()) {
          indexHashes();
          int first = Integer.MAX_VALUE;
          for (ModelFile f : weights) {
            // as matches(): the SHA-256 when the card gives one, else its AutoV2
            Integer i = f.sha256() != null ? bySha.get(f.sha256().toLowerCase(Locale.ROOT))
                : f.autoV2() != null ? byAutoV2.get(f.autoV2().toLowerCase(Locale.ROOT)) : null;
            if (i != null) {
              first = Math.min(first, i);
            }
          }
          if (first != Integer.MAX_VALUE) {
            return Optional.of(new ResolvedCheckpoint(files.get(first), ResolvedCheckpoint.Match.HASH, sha(first)));
          }
        }
      }
      if (!named.isEmpty()) {
        int i = named.first();
        if (cardHasHash) {
          log.warn("{} has the name of {} but not its hash; using it anyway", files.get(i), card.label());
        }
        return Optional.of(new ResolvedCheckpoint(files.get(i), ResolvedCheckpoint.Match.FILE_NAME,
            cardHasHash ? sha(i) : null));
      }
      return Optional.empty();
    }
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
