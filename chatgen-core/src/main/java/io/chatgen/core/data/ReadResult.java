package io.chatgen.core.data;

import java.util.List;

/**
 * Records read from a file, and the lines that were skipped in lenient mode.
 *
 * @param records the records, in file order
 * @param skipped how many malformed lines were skipped
 * @param firstProblems the first few problems, "file:line: message", for a log line
 */
public record ReadResult<T>(List<T> records, int skipped, List<String> firstProblems) {
  public ReadResult {
    records = List.copyOf(records);
    firstProblems = List.copyOf(firstProblems);
  }
}
