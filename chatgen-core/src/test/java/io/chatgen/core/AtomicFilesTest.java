package io.chatgen.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
  @Test
  void writes_and_replaces_a_file_leaving_no_temporary_file(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("a.txt");
    AtomicFiles.write(f, tmp -> Files.writeString(tmp, "one"));
    AtomicFiles.write(f, tmp -> Files.writeString(tmp, "two"));
    assertThat(Files.readString(f)).isEqualTo("two");
    try (Stream<Path> s = Files.list(dir)) {
      assertThat(s).containsExactly(f);
    }
  }

  @Test
  void a_failing_write_keeps_the_old_file_whole_and_removes_its_temporary_file(@TempDir Path dir) throws IOException {
    Path f = Files.writeString(dir.resolve("a.txt"), "old");
    assertThatThrownBy(() -> AtomicFiles.write(f, tmp -> {
      Files.writeString(tmp, "half");
      throw new IOException("disk full");
    })).isInstanceOf(IOException.class).hasMessage("disk full");
    assertThat(Files.readString(f)).isEqualTo("old");
    try (Stream<Path> s = Files.list(dir)) {
      assertThat(s).containsExactly(f);
    }
  }
}
