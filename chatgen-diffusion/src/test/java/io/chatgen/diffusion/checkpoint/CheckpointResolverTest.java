package io.chatgen.diffusion.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatgen.core.BaseArchitecture;
import io.chatgen.core.InvalidRequestException;
import io.chatgen.core.ModelCard;
import io.chatgen.core.ModelFile;
import io.chatgen.core.ModelLoadException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointResolverTest {
  /** SHA-256("abc"), the FIPS 180-2 test vector. */
  static final String ABC_SHA256 = "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD";

  static ModelCard card(String fileName, @Nullable String sha256, @Nullable String autoV2) {
    BaseArchitecture base = BaseArchitecture.values()[0];
    ModelFile f = new ModelFile(fileName, 1, "Model", "SafeTensor", "fp16", sha256, autoV2);
    return new ModelCard(1, 2, "Card", base, base.label(), List.of(), List.of(), "", List.of(f), false, null);
  }

  @Test
  void hashes_match_the_fips_test_vector(@TempDir Path dir) throws IOException {
    Path f = Files.writeString(dir.resolve("abc.safetensors"), "abc", StandardCharsets.US_ASCII);
    assertThat(CheckpointHashes.sha256(f)).isEqualTo(ABC_SHA256);
    assertThat(CheckpointHashes.autoV2(f)).isEqualTo("BA7816BF8F");
    assertThat(CheckpointHashes.legacyModelHash(f)).isEqualTo("NOFILE");
  }

  @Test
  void legacy_hash_reads_64_kib_at_1_mib(@TempDir Path dir) throws Exception {
    byte[] data = new byte[0x100000 + 0x10000 + 7];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (i * 31);
    }
    Path f = Files.write(dir.resolve("m.safetensors"), data);
    byte[] window = java.util.Arrays.copyOfRange(data, 0x100000, 0x110000);
    String expected = java.util.HexFormat.of().withUpperCase()
        .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(window)).substring(0, 8);
    assertThat(CheckpointHashes.legacyModelHash(f)).isEqualTo(expected);
  }

  @Test
  void finds_a_renamed_file_by_hash(@TempDir Path dir) throws IOException {
    Files.createDirectories(dir.resolve("sub"));
    Files.writeString(dir.resolve("sub/renamed.safetensors"), "abc");
    Files.writeString(dir.resolve("other.safetensors"), "xyz");
    CheckpointResolver r = new CheckpointResolver(dir);

    ResolvedCheckpoint byFull = r.resolve(card("original.safetensors", ABC_SHA256, null)).orElseThrow();
    assertThat(byFull.file()).isEqualTo(dir.resolve("sub/renamed.safetensors"));
    assertThat(byFull.match()).isEqualTo(ResolvedCheckpoint.Match.HASH);
    assertThat(byFull.autoV2()).isEqualTo("BA7816BF8F");

    ResolvedCheckpoint byShort = r.resolve(card("original.safetensors", null, "ba7816bf8f")).orElseThrow();
    assertThat(byShort.file()).isEqualTo(dir.resolve("sub/renamed.safetensors"));
  }

  @Test
  void prefers_the_hash_match_over_a_same_named_different_file(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("model.safetensors"), "not the same bytes");
    Files.writeString(dir.resolve("model-v2.safetensors"), "abc");
    ResolvedCheckpoint r = new CheckpointResolver(dir).resolve(card("model.safetensors", ABC_SHA256, null)).orElseThrow();
    assertThat(r.file().getFileName().toString()).isEqualTo("model-v2.safetensors");
  }

  @Test
  void falls_back_to_the_file_name(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("Model.safetensors"), "whatever");
    CheckpointResolver r = new CheckpointResolver(dir);
    ResolvedCheckpoint noHash = r.resolve(card("model.safetensors", null, null)).orElseThrow();
    assertThat(noHash.match()).isEqualTo(ResolvedCheckpoint.Match.FILE_NAME);
    assertThat(noHash.sha256()).isNull();
    ResolvedCheckpoint wrongHash = r.resolve(card("model.safetensors", ABC_SHA256, null)).orElseThrow();
    assertThat(wrongHash.match()).isEqualTo(ResolvedCheckpoint.Match.FILE_NAME);
    assertThat(wrongHash.sha256()).isNotEqualTo(ABC_SHA256);
  }

  @Test
  void hashes_are_remembered_across_resolvers_while_size_and_time_stay(@TempDir Path dir) throws IOException {
    Path models = Files.createDirectories(dir.resolve("models"));
    Path cache = dir.resolve("cache/hashes.tsv");
    Path f = Files.writeString(models.resolve("renamed.safetensors"), "abc");
    FileTime time = Files.getLastModifiedTime(f);
    assertThat(new CheckpointResolver(models, cache).sha256(f)).isEqualTo(ABC_SHA256);
    assertThat(Files.readString(cache)).contains(f.toAbsolutePath().toString()).contains("\t3\t");
    // same size and time, other bytes: a new resolver trusts the cache (as A1111 does), so it read no file
    Files.writeString(f, "xyz");
    Files.setLastModifiedTime(f, time);
    CheckpointResolver again = new CheckpointResolver(models, cache);
    assertThat(again.sha256(f)).isEqualTo(ABC_SHA256);
    assertThat(again.resolve(card("original.safetensors", ABC_SHA256, null))).isPresent();
    // a new time is a new entry, hashed from the bytes
    Files.setLastModifiedTime(f, FileTime.fromMillis(time.toMillis() + 5000));
    assertThat(new CheckpointResolver(models, cache).sha256(f)).isEqualTo(CheckpointHashes.sha256(f));
  }

  @Test
  void a_damaged_or_unwritable_cache_only_costs_hashing_again(@TempDir Path dir) throws IOException {
    Path f = Files.writeString(dir.resolve("m.safetensors"), "abc");
    Path damaged = Files.writeString(dir.resolve("damaged.tsv"), "not\ta cache\nzz\t1\t2\t" + f + "\n");
    String sha = ABC_SHA256;
    CheckpointResolver r = new CheckpointResolver(dir, damaged);
    assertThat(r.cachedKeys()).isEmpty();
    assertThat(r.sha256(f)).isEqualTo(sha);
    assertThat(r.cachedKeys()).singleElement().asString().startsWith(f.toAbsolutePath().toString());
    // a cache "file" below a regular file cannot be written: hashes still come, from memory next time
    Path impossible = f.resolve("cache.tsv");
    CheckpointResolver memoryOnly = new CheckpointResolver(dir, impossible);
    assertThat(memoryOnly.sha256(f)).isEqualTo(sha);
    assertThat(memoryOnly.sha256(f)).isEqualTo(sha);
    assertThat(Files.exists(impossible)).isFalse();
    // entries of files that are gone are dropped when the cache is read
    Path gone = Files.writeString(dir.resolve("gone.safetensors"), "xyz");
    Path cache = dir.resolve("c.tsv");
    new CheckpointResolver(dir, cache).sha256(gone);
    Files.delete(gone);
    assertThat(new CheckpointResolver(dir, cache).cachedKeys()).isEmpty();
  }

  @Test
  void resolves_a_whole_catalog_against_one_listing_in_catalog_order(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("renamed.safetensors"), "abc");
    Files.writeString(dir.resolve("named.safetensors"), "xyz");
    ModelCard byHash = card("original.safetensors", ABC_SHA256, null);
    ModelCard byName = card("named.safetensors", null, null);
    ModelCard absent = card("absent.safetensors", null, null);
    CheckpointResolver r = new CheckpointResolver(dir, null);
    var all = r.resolveAll(java.util.List.of(byName, absent, byHash));
    assertThat(all.keySet()).containsExactly(byName, byHash);
    assertThat(all.get(byHash).file()).isEqualTo(dir.resolve("renamed.safetensors"));
    assertThat(all.get(byName).match()).isEqualTo(ResolvedCheckpoint.Match.FILE_NAME);
    assertThat(all.get(byHash)).isEqualTo(r.resolve(byHash).orElseThrow());
  }

  @Test
  void ignores_pickles_and_reports_absent_models(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("model.ckpt"), "abc");
    CheckpointResolver r = new CheckpointResolver(dir);
    assertThat(r.resolve(card("model.ckpt", ABC_SHA256, null))).isEmpty();
    assertThat(r.resolve(card("absent.safetensors", null, null))).isEmpty();
    assertThat(r.checkpoints()).isEmpty();
  }

  @Test
  void bad_folders_and_files_are_typed_errors(@TempDir Path dir) {
    assertThatThrownBy(() -> new CheckpointResolver(dir.resolve("nope")))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("nope");
    assertThatThrownBy(() -> CheckpointHashes.sha256(dir.resolve("missing.safetensors")))
        .isInstanceOf(ModelLoadException.class).hasMessageContaining("missing.safetensors");
  }
}
