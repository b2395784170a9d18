package io.chatgen.core;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes a file so that a reader finds the old file or the whole new one, never half of it, and a
 * crash leaves no half-written file under the real name: the content goes to a hidden temporary
 * file in the target's folder, which then replaces the target in one move. Every module that
 * writes artifacts, caches or checkpoints writes through this.
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  /** Fills the temporary file. */
  @FunctionalInterface
  public interface Content {
    void writeTo(Path temporary) throws IOException;
  }

  /**
   * Writes {@code target} from {@code content}. The move is atomic where the file system allows,
   * else a plain replace. The temporary file is removed when anything fails. The folder must
   * exist.
   */
  public static void write(Path target, Content content) throws IOException {
    Path file = target.toAbsolutePath();
    Path tmp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp");
    boolean moved = false;
    try {
      content.writeTo(tmp);
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
      moved = true;
    } finally {
      if (!moved) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // the temporary file is hidden and harmless; the real error is on its way
        }
      }
    }
  }
}
