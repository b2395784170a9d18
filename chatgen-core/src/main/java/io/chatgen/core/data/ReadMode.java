package io.chatgen.core.data;

/** How readers treat a malformed line. */
public enum ReadMode {
  /** Fail with a {@link io.chatgen.core.DataFormatException} naming file and line. */
  STRICT,
  /** Skip the line and count it in {@link ReadResult#skipped()}. */
  LENIENT
}
