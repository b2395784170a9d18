package io.chatgen.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatgen.core.BaseArchitecture;
import io.chatgen.core.DataFormatException;
import io.chatgen.core.InputKind;
import io.chatgen.core.ModelCard;
import io.chatgen.core.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadersTest {

  @TempDir Path dir;

  @Test
  void reads_the_real_catalog_and_looks_models_up_every_way() {
    ModelCatalog catalog = ModelCatalog.readJsonl(SharedData.civitai().resolve("models.jsonl"), ReadMode.STRICT);
    // 5 of the 3,824 models list no version: there is nothing to run, so they have no card
    assertThat(catalog.models().size()).isEqualTo(3819);
    assertThat(catalog.skipped()).isZero();
    ModelCard first = catalog.models().iterator().next();
    assertThat(catalog.byId(first.id())).contains(first);
    assertThat(catalog.byVersionId(first.versionId())).contains(first);
    assertThat(catalog.byName(first.name().toUpperCase())).contains(first);
    String sha = first.files().get(0).sha256();
    assertThat(catalog.byHash(sha.toLowerCase())).contains(first);
    assertThat(catalog.byHash(sha.substring(0, 10))).contains(first);
    assertThat(catalog.models().stream().filter(c -> c.base() == BaseArchitecture.SD_1).count()).isGreaterThan(3000);
    assertThat(catalog.models().stream().anyMatch(ModelCard::nsfwTagged)).isTrue();
  }

  @Test
  void reads_civitais_own_api_json() throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(SharedData.civitai().resolve("api-sample"))) {
      files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    ModelCatalog catalog = ModelCatalog.readApiJson(files);
    assertThat(catalog.models().size()).isEqualTo(12);
    ModelCard c = catalog.byId(4468).orElseThrow();
    assertThat(c.base()).isEqualTo(BaseArchitecture.SD_1);
    assertThat(c.tags()).contains("anime");
    assertThat(c.primaryFile()).hasValueSatisfying(f -> {
      assertThat(f.sha256()).hasSize(64);
      assertThat(f.autoV2()).isEqualTo(f.sha256().substring(0, 10));
      assertThat(f.format()).isEqualTo("SafeTensor");
    });
    assertThat(c.description()).doesNotContain("<p>");
    ModelCatalog fromDump = ModelCatalog.readJsonl(SharedData.civitai().resolve("models.jsonl"), ReadMode.STRICT);
    assertThat(fromDump.byHash(c.primaryFile().orElseThrow().sha256())).isPresent();
  }

  @Test
  void reads_the_real_demos_and_chats() {
    Path civitai = SharedData.civitai();
    ReadResult<Demonstration> demos = Demonstration.read(civitai.resolve("demos.jsonl"), ReadMode.STRICT);
    assertThat(demos.records().size()).isEqualTo(26758);
    assertThat(demos.records().stream().filter(d -> d.split().equals("train")).count()).isEqualTo(12937);
    assertThat(demos.records().stream().filter(d -> d.samplerName() != null && d.sampler().isEmpty())
        .map(Demonstration::samplerName).toList()).isEmpty();
    List<ChatSample> chats = ChatSample.read(civitai.resolve("chats.jsonl"), ReadMode.STRICT).records();
    assertThat(chats.size()).isEqualTo(392);
    List<ChatSample> withHistory = chats.stream().filter(c -> c.historyRequest().isPresent()).toList();
    assertThat(withHistory.size()).isEqualTo(82);
    assertThat(withHistory.stream().map(c -> c.historyRequest().orElseThrow().kind()).distinct().toList())
        .containsExactly(InputKind.HISTORY);
    assertThat(chats.stream().filter(ChatSample::nonEnglish).count()).isEqualTo(17);
  }

  @Test
  void a_malformed_line_names_file_and_line_or_is_skipped_and_counted() throws IOException {
    Path f = dir.resolve("demos.jsonl");
    Files.writeString(f, String.join("\n",
        "{\"imageId\": 1, \"modelId\": 2, \"versionId\": 3, \"prompt\": \"a cat\", \"split\": \"train\"}",
        "{not json",
        "",
        "{\"imageId\": 4, \"modelId\": 2, \"versionId\": 3, \"split\": \"train\"}",
        "[1, 2]",
        "{\"imageId\": \"x\", \"modelId\": 2, \"versionId\": 3, \"prompt\": \"p\", \"split\": \"test\"}",
        "{\"imageId\": 5, \"modelId\": 2, \"versionId\": 3, \"prompt\": \"a dog\", \"split\": \"test\", \"steps\": 20}"));
    assertThatThrownBy(() -> Demonstration.read(f, ReadMode.STRICT))
        .isInstanceOf(DataFormatException.class)
        .hasMessageContaining("demos.jsonl:2:");
    ReadResult<Demonstration> r = Demonstration.read(f, ReadMode.LENIENT);
    assertThat(r.records()).extracting(Demonstration::imageId).containsExactly(1L, 5L);
    assertThat(r.skipped()).isEqualTo(4);
    assertThat(r.firstProblems()).hasSize(4).first().asString().contains(":2:");
    assertThat(r.firstProblems().get(1)).contains(":4:").contains("\"prompt\"");
  }

  @Test
  void html_descriptions_lose_their_tags_but_not_the_text_between_stray_angle_brackets() throws IOException {
    Path f = dir.resolve("models.jsonl");
    String description = "<p>Use 320 <= size <= 1024.</p><b>CFG 7</b>" + "<".repeat(100_000);
    Files.writeString(f, "{\"id\": 1, \"name\": \"M\", \"tags\": [], \"description\": \"" + description
        + "\", \"versions\": [{\"id\": 2, \"name\": \"v1\", \"baseModel\": \"SD 1.5\", \"files\": []}]}");
    // a hang guard besides: from every "<" the old pattern scanned to the end (quadratic)
    ModelCatalog catalog = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(20),
        () -> ModelCatalog.readJsonl(f, ReadMode.STRICT));
    assertThat(catalog.byId(1).orElseThrow().description()).startsWith("Use 320 <= size <= 1024.\nCFG 7<<<");
  }

  @Test
  void a_missing_file_is_a_clear_error() {
    assertThatThrownBy(() -> ModelCatalog.readJsonl(dir.resolve("nope.jsonl"), ReadMode.LENIENT))
        .isInstanceOf(DataFormatException.class).hasMessageContaining("file not found").hasMessageContaining("nope.jsonl");
  }

  @Test
  void broken_api_json_names_the_file() throws IOException {
    Path f = dir.resolve("model-1.json");
    Files.writeString(f, "{\"id\": 1}");
    assertThatThrownBy(() -> ModelCatalog.readApiJson(List.of(f)))
        .isInstanceOf(DataFormatException.class).hasMessageContaining("model-1.json").hasMessageContaining("name");
    Files.writeString(f, "{\"id\": 1, ");
    assertThatThrownBy(() -> ModelCatalog.readApiJson(List.of(f))).hasMessageContaining("model-1.json");
  }
}
