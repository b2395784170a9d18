package io.chatgen.diffusion.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.chatgen.core.DataFormatException;
import io.chatgen.core.ModelLoadException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsReaderTest {
  @TempDir Path dir;

  /** Writes a file with a hand-made header and data section. */
  private Path raw(String name, String header, int dataBytes) throws IOException {
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(h.length).put(h);
    Path p = dir.resolve(name);
    Files.write(p, b.array());
    return p;
  }

  private Path roundTripFile() {
    Map<String, TensorData> t = new LinkedHashMap<>();
    t.put("b", TensorData.ofFloats(new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6}));
    t.put("a", TensorData.ofFloats(new long[] {1}, new float[] {-7.5f}));
    // F16 1.0, -2.0 and BF16 3.0, 0.5 written by hand
    t.put("h", new TensorData(SafetensorsDType.F16, new long[] {2}, new byte[] {0x00, 0x3C, 0x00, (byte) 0xC0}));
    t.put("bf", new TensorData(SafetensorsDType.BF16, new long[] {2}, new byte[] {0x40, 0x40, 0x00, 0x3F}));
    t.put("empty", new TensorData(SafetensorsDType.F32, new long[] {0, 4}, new byte[0]));
    Path p = dir.resolve("ok.safetensors");
    SafetensorsWriter.write(p, t, Map.of("format", "pt"));
    return p;
  }

  @Test
  void writes_and_reads_back_tensors_of_every_weight_dtype() {
    Path p = roundTripFile();
    try (SafetensorsFile f = SafetensorsReader.open(p); NDManager m = NDManager.newBaseManager()) {
      assertThat(f.names()).containsExactlyInAnyOrder("a", "b", "h", "bf", "empty");
      assertThat(f.metadata()).containsEntry("format", "pt");
      assertThat(f.info("b").orElseThrow().shape()).containsExactly(2, 3);
      NDArray b = f.read("b", m);
      assertThat(b.toFloatArray()).containsExactly(1, 2, 3, 4, 5, 6);
      assertThat(b.getShape().getShape()).containsExactly(2, 3);
      assertThat(f.read("a", m).toFloatArray()).containsExactly(-7.5f);
      NDArray h = f.read("h", m, DataType.FLOAT32);
      assertThat(h.getDataType()).isEqualTo(DataType.FLOAT32);
      assertThat(h.toFloatArray()).containsExactly(1f, -2f);
      assertThat(f.read("bf", m).toFloatArray()).containsExactly(3f, 0.5f);
      assertThat(f.read("empty", m).getShape().getShape()).containsExactly(0, 4);
    }
  }

  @Test
  void header_is_padded_to_eight_bytes_and_data_follows_in_name_order() throws IOException {
    Path p = roundTripFile();
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.LITTLE_ENDIAN);
    long n = b.getLong(0);
    assertThat(n % 8).isZero();
    try (SafetensorsFile f = SafetensorsReader.open(p)) {
      assertThat(f.info("a").orElseThrow().begin()).isZero();
      assertThat(f.dataSize()).isEqualTo(Files.size(p) - 8 - n);
    }
  }

  @Test
  void writer_replaces_an_existing_file_without_leaving_temporaries() throws IOException {
    Path p = roundTripFile();
    SafetensorsWriter.write(p, Map.of("x", TensorData.ofFloats(new long[] {1}, new float[] {1})), Map.of());
    try (SafetensorsFile f = SafetensorsReader.open(p)) {
      assertThat(f.names()).containsExactly("x");
    }
    try (var files = Files.list(dir)) {
      assertThat(files.map(q -> q.getFileName().toString())).containsExactly("ok.safetensors");
    }
  }

  @Test
  void rejects_an_empty_file() throws IOException {
    Path p = dir.resolve("zero.safetensors");
    Files.write(p, new byte[0]);
    assertThatThrownBy(() -> SafetensorsReader.open(p)).isInstanceOf(DataFormatException.class)
        .hasMessageContaining("empty");
  }

  @Test
  void rejects_a_file_shorter_than_the_length_prefix() throws IOException {
    Path p = dir.resolve("short.safetensors");
    Files.write(p, new byte[] {1, 0, 0});
    assertThatThrownBy(() -> SafetensorsReader.open(p)).isInstanceOf(DataFormatException.class)
        .hasMessageContaining("truncated");
  }

  @Test
  void rejects_a_header_length_beyond_the_file() throws IOException {
    Path p = dir.resolve("long.safetensors");
    ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(4000).put("{}      ".getBytes(StandardCharsets.US_ASCII));
    Files.write(p, b.array());
    assertThatThrownBy(() -> SafetensorsReader.open(p)).isInstanceOf(DataFormatException.class)
        .hasMessageContaining("4000").hasMessageContaining("truncated");
  }

  @Test
  void rejects_an_absurd_header_length() throws IOException {
    Path p = dir.resolve("huge.safetensors");
    ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-1L).putLong(0);
    Files.write(p, b.array());
    assertThatThrownBy(() -> SafetensorsReader.open(p)).isInstanceOf(DataFormatException.class)
        .hasMessageContaining("18446744073709551615");
  }

  @Test
  void rejects_truncated_data() throws IOException {
    Path p = raw("trunc.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 8);
    assertThatThrownBy(() -> SafetensorsReader.open(p)).isInstanceOf(DataFormatException.class)
        .hasMessageContaining("'w'").hasMessageContaining("outside the data section");
  }

  @Test
  void rejects_overlapping_tensors() throws IOException {
    Path p = raw("overlap.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},"
        + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}", 16);
    assertThatThrownBy(() -> SafetensorsReader.open(p)).isInstanceOf(DataFormatException.class)
        .hasMessageContaining("overlap").hasMessageContaining("'a'").hasMessageContaining("'b'");
  }

  @Test
  void rejects_an_unknown_dtype() throws IOException {
    Path p = raw("dtype.safetensors", "{\"w\":{\"dtype\":\"F128\",\"shape\":[1],\"data_offsets\":[0,16]}}", 16);
    assertThatThrownBy(() -> SafetensorsReader.open(p)).isInstanceOf(DataFormatException.class)
        .hasMessageContaining("unknown dtype 'F128'");
  }

  @Test
  void rejects_a_shape_that_does_not_match_the_byte_length() throws IOException {
    Path p = raw("shape.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,16]}}", 16);
    assertThatThrownBy(() -> SafetensorsReader.open(p)).isInstanceOf(DataFormatException.class)
        .hasMessageContaining("16 bytes").hasMessageContaining("needs 12");
  }

  @Test
  void rejects_a_header_that_is_not_json() throws IOException {
    Path p = raw("json.safetensors", "{\"w\": [1, 2", 0);
    assertThatThrownBy(() -> SafetensorsReader.open(p)).isInstanceOf(DataFormatException.class)
        .hasMessageContaining("not valid JSON");
  }

  @Test
  void rejects_negative_and_fractional_numbers_in_the_header() throws IOException {
    Path neg = raw("neg.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4);
    assertThatThrownBy(() -> SafetensorsReader.open(neg)).isInstanceOf(DataFormatException.class)
        .hasMessageContaining("negative");
    Path frac = raw("frac.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", 4);
    assertThatThrownBy(() -> SafetensorsReader.open(frac)).isInstanceOf(DataFormatException.class)
        .hasMessageContaining("non-integer");
  }

  @Test
  void refuses_pickle_checkpoints_by_extension_and_by_content() throws IOException {
    Path ckpt = dir.resolve("model.ckpt");
    Files.write(ckpt, new byte[] {(byte) 0x80, 0x02, 'c', 'o', 's'});
    assertThatThrownBy(() -> SafetensorsReader.open(ckpt)).isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("arbitrary code").hasMessageContaining(".safetensors");
    Path disguised = dir.resolve("model.safetensors");
    Files.write(disguised, new byte[] {(byte) 0x80, 0x04, (byte) 0x95, 0, 0, 0, 0, 0, 0, 0});
    assertThatThrownBy(() -> SafetensorsReader.open(disguised)).isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("pickle");
    Path zip = dir.resolve("zipped.safetensors");
    Files.write(zip, new byte[] {'P', 'K', 3, 4, 0, 0, 0, 0, 0, 0});
    assertThatThrownBy(() -> SafetensorsReader.open(zip)).isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("pickle");
  }

  @Test
  void reading_an_absent_tensor_names_it() {
    Path p = roundTripFile();
    try (SafetensorsFile f = SafetensorsReader.open(p); NDManager m = NDManager.newBaseManager()) {
      assertThatThrownBy(() -> f.read("nope", m)).isInstanceOf(ModelLoadException.class)
          .hasMessageContaining("'nope'");
    }
  }

  @Test
  void a_missing_file_is_a_model_load_error() {
    assertThatThrownBy(() -> SafetensorsReader.open(dir.resolve("absent.safetensors")))
        .isInstanceOf(ModelLoadException.class).hasMessageContaining("absent.safetensors");
  }
}
