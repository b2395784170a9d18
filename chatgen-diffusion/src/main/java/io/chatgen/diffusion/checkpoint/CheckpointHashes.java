package io.chatgen.diffusion.checkpoint;

import io.chatgen.core.ModelLoadException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The hashes by which A1111 and Civitai name checkpoint files, computed by streaming (constant
 * memory, whatever the file size). Hex is upper-case, as Civitai lists it; A1111 shows the same
 * digits in lower case. Stateless and thread-safe.
 */
public final class CheckpointHashes {
  private static final HexFormat HEX = HexFormat.of().withUpperCase();

  private CheckpointHashes() {}

  /**
   * The SHA-256 of the whole file, 64 upper-case hex digits.
   *
   * @throws ModelLoadException naming the file when it cannot be read
   */
  public static String sha256(Path file) {
    MessageDigest md = sha256Digest();
    byte[] buf = new byte[1 << 20];
    try (InputStream in = Files.newInputStream(file)) {
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
    } catch (NoSuchFileException e) {
      throw new ModelLoadException("checkpoint " + file + " does not exist", e);
    } catch (IOException e) {
      throw new ModelLoadException("cannot read checkpoint " + file + " to hash it: " + e.getMessage(), e);
    }
    return HEX.formatHex(md.digest());
  }

  /** AutoV2, A1111's short hash: the first 10 hex digits of the file's SHA-256. */
  public static String autoV2(Path file) {
    return autoV2OfSha256(sha256(file));
  }

  /** The AutoV2 of a known SHA-256. */
  public static String autoV2OfSha256(String sha256) {
    if (sha256.length() < 10) {
      throw new io.chatgen.core.InvalidRequestException("a SHA-256 has 64 hex digits, got \"" + sha256 + "\"");
    }
    return sha256.substring(0, 10).toUpperCase(java.util.Locale.ROOT);
  }

  /**
   * A1111's legacy "model hash" (AutoV1 before the switch to SHA-256): the first 8 hex digits of
   * the SHA-256 of the 64 KiB at offset 1 MiB; "NOFILE" when the file is shorter than that offset.
   */
  public static String legacyModelHash(Path file) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      if (ch.size() <= 0x100000) {
        return "NOFILE";
      }
      ByteBuffer buf = ByteBuffer.allocate(0x10000);
      long pos = 0x100000;
      while (buf.hasRemaining()) {
        int n = ch.read(buf, pos);
        if (n < 0) {
          break;
        }
        pos += n;
      }
      buf.flip();
      MessageDigest md = sha256Digest();
      md.update(buf);
      return HEX.formatHex(md.digest()).substring(0, 8);
    } catch (NoSuchFileException e) {
      throw new ModelLoadException("checkpoint " + file + " does not exist", e);
    } catch (IOException e) {
      throw new ModelLoadException("cannot read checkpoint " + file + " to hash it: " + e.getMessage(), e);
    }
  }

  private static MessageDigest sha256Digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform provides SHA-256", e);
    }
  }
}
