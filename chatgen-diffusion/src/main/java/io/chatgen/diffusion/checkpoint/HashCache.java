package io.chatgen.diffusion.checkpoint;

import io.chatgen.core.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SHA-256 of checkpoint files, remembered across runs in one small text file, as A1111 keeps
 * its {@code cache.json}: hashing a 2-7 GB checkpoint takes seconds, and a models folder is
 * scanned on every start. An entry holds for one file as long as its size and modification time
 * stay the same. A cache that cannot be read or written is not an error: hashes are then computed
 * again (and a warning says why, once). Entries of files that no longer exist are dropped when the
 * cache is read. Thread-safe; the file is replaced atomically.
 *
 * <p>Format: one line per file, {@code sha256 TAB size TAB modified-millis TAB absolute-path}.
 */
final class HashCache {
  private static final Logger log = LoggerFactory.getLogger(HashCache.class);
  private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");

  private final @Nullable Path file;
  /** Key: absolute path | size | modified millis. */
  private final Map<String, String> entries = new TreeMap<>();
  private boolean loaded;
  private boolean warned;

  /** A cache kept in {@code file}, or only in memory when it is null. */
  HashCache(@Nullable Path file) {
    this.file = file;
  }

  /** The default file: {@code ~/.cache/chatgen/checkpoint-hashes.tsv}, or none without a home folder. */
  static @Nullable Path defaultFile() {
    String home = System.getProperty("user.home");
    return home == null || home.isBlank() ? null : Path.of(home, ".cache", "chatgen", "checkpoint-hashes.tsv");
  }

  /** The cached hash for a file's current state, else {@code compute}'s, which is then remembered. */
  synchronized String sha256(Path path, long size, long modifiedMillis, Supplier<String> compute) {
    load();
    String key = path.toAbsolutePath().normalize() + "|" + size + "|" + modifiedMillis;
    String known = entries.get(key);
    if (known != null) {
      return known;
    }
    String sha = compute.get();
    entries.put(key, sha);
    save();
    return sha;
  }

  private void load() {
    if (loaded) {
      return;
    }
    loaded = true;
    if (file == null || !Files.isRegularFile(file)) {
      return;
    }
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        String[] p = line.split("\t", 4);
        // a damaged line is skipped (its file is hashed again), and so is a file that is gone
        if (p.length == 4 && SHA256.matcher(p[0]).matches() && p[1].matches("\\d+") && p[2].matches("-?\\d+")
            && Files.exists(Path.of(p[3]))) {
          entries.put(p[3] + "|" + p[1] + "|" + p[2], p[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      warn("cannot read the checkpoint hash cache " + file + ": " + e.getMessage());
    }
  }

  private void save() {
    if (file == null) {
      return;
    }
    StringBuilder b = new StringBuilder();
    entries.forEach((key, sha) -> {
      // key = path|size|millis; the path itself may hold '|'
      int second = key.lastIndexOf('|');
      int first = key.lastIndexOf('|', second - 1);
      b.append(sha).append('\t').append(key, first + 1, second).append('\t').append(key.substring(second + 1))
          .append('\t').append(key, 0, first).append('\n');
    });
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      AtomicFiles.write(file, tmp -> Files.writeString(tmp, b, StandardCharsets.UTF_8));
    } catch (IOException | RuntimeException e) {
      warn("cannot write the checkpoint hash cache " + file + ": " + e.getMessage() + "; hashes are not kept");
    }
  }

  private void warn(String message) {
    if (!warned) {
      warned = true;
      log.warn(message);
    }
  }

  /** The entries' keys, for tests. */
  synchronized List<String> keys() {
    load();
    return List.copyOf(entries.keySet());
  }
}
