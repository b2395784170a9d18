package io.chatgen.core.data;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.chatgen.core.ChatGenException;
import io.chatgen.core.DataFormatException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Reads a JSON-lines file into records, one object a line, blank lines ignored. */
public final class JsonLines {
  private static final int MAX_PROBLEMS = 5;

  private JsonLines() {}

  /**
   * Reads every line of {@code file} with {@code mapper}.
   *
   * @throws DataFormatException in strict mode at the first bad line, naming file and line; also
   *     when the file is missing or unreadable
   */
  public static <T> ReadResult<T> read(Path file, ReadMode mode, Function<JsonObject, T> mapper) {
    List<T> out = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    int skipped = 0;
    int lineNo = 0;
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      while ((line = r.readLine()) != null) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        try {
          JsonElement el = JsonParser.parseString(line);
          if (!el.isJsonObject()) {
            throw new DataFormatException("expected a JSON object");
          }
          out.add(mapper.apply(el.getAsJsonObject()));
        } catch (RuntimeException e) {
          String msg = file + ":" + lineNo + ": " + describe(e);
          if (mode == ReadMode.STRICT) {
            throw new DataFormatException(msg + " (read leniently to skip such lines)", e);
          }
          skipped++;
          if (problems.size() < MAX_PROBLEMS) {
            problems.add(msg);
          }
        }
      }
    } catch (NoSuchFileException e) {
      throw new DataFormatException("file not found: " + file);
    } catch (IOException | java.io.UncheckedIOException e) {
      throw new DataFormatException("cannot read " + file + ": " + e.getMessage(), e);
    }
    return new ReadResult<>(out, skipped, problems);
  }

  private static String describe(RuntimeException e) {
    if (e instanceof ChatGenException) {
      return e.getMessage();
    }
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }
}
