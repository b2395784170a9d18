package io.chatgen.bench.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatgen.core.DataFormatException;
import io.chatgen.core.data.Demonstration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchDataTest {
  @TempDir
  Path dir;

  private static String demo(String seed, String steps) {
    return "{\"imageId\":1,\"modelId\":2,\"versionId\":3,\"prompt\":\"a cat\",\"seed\":" + seed
        + ",\"steps\":" + steps + ",\"modelHashMatches\":true,\"split\":\"train\"}";
  }

  @Test
  void a_seed_beyond_64_bits_is_read_as_unstated() throws Exception {
    Path f = dir.resolve("demos.jsonl");
    Files.write(f, List.of(demo("17739416935733250000", "20"), demo("42", "20")));
    List<Demonstration> demos = BenchData.readDemos(f);
    assertThat(demos).hasSize(2);
    assertThat(demos.get(0).seed()).isNull();
    assertThat(demos.get(0).steps()).isEqualTo(20);
    assertThat(demos.get(1).seed()).isEqualTo(42L);
  }

  @Test
  void baselines_never_learn_from_an_evaluated_demonstration_even_when_the_train_file_has_it() throws Exception {
    io.chatgen.bench.testdata.TinyBench tiny = io.chatgen.bench.testdata.TinyBench.write(dir);
    Path train = dir.resolve("train.jsonl");
    List<String> lines = Files.readAllLines(tiny.demos);
    // demo 1 and 3 of the train split, and evaluated demo 100 relabelled as train
    Files.write(train, List.of(lines.get(0), lines.get(2), lines.get(6).replace("\"test\"", "\"train\"")));
    BenchData data = BenchData.builder().models(tiny.models).demos(tiny.demos).chats(tiny.chats).train(train).load();
    assertThat(data.train()).extracting(Demonstration::imageId).containsExactly(1L, 3L);
    assertThat(data.cases()).extracting(c -> c.demo().imageId()).contains(100L);
  }

  @Test
  void any_other_bad_value_fails_naming_file_and_line() throws Exception {
    Path f = dir.resolve("demos.jsonl");
    Files.write(f, List.of(demo("1", "20"), demo("1", "\"many\"")));
    assertThatThrownBy(() -> BenchData.readDemos(f))
        .isInstanceOf(DataFormatException.class)
        .hasMessageContaining("demos.jsonl:2");
  }
}
