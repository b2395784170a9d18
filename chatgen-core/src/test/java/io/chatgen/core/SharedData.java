package io.chatgen.core;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates ../shared/civitai for real-data tests, which are skipped with a message when absent. */
public final class SharedData {
  private SharedData() {}

  /** The civitai folder, or the test is skipped. */
  public static Path civitai() {
    String prop = System.getProperty("chatgen.shared", "../shared");
    Path dir = Path.of(prop).resolve("civitai");
    assumeTrue(Files.isRegularFile(dir.resolve("models.jsonl")),
        "real-data test skipped: " + dir.toAbsolutePath() + " not found (set -Dchatgen.shared)");
    return dir;
  }
}
