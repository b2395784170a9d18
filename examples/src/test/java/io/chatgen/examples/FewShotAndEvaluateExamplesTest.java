package io.chatgen.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.chatgen.bench.eval.EvaluationResult;
import io.chatgen.core.ChatRequest;
import io.chatgen.core.ModelChoice;
import io.chatgen.core.ScoredModel;
import io.chatgen.modeltoken.ModelTokenSelector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FewShotAndEvaluateExamplesTest {

  @Test
  void a_checkpoint_added_few_shot_is_selected_for_its_kind_of_request_and_old_tokens_stay() {
    try (ModelTokenSelector shipped = ModelTokenSelector.builder().build();
        ModelTokenSelector expanded = FewShotModelExample.expandedSelector(shipped)) {
      assertThat(expanded.vocabulary().size()).isEqualTo(shipped.vocabulary().size() + 1);
      for (int i : new int[] {0, shipped.vocabulary().size() / 2, shipped.vocabulary().size() - 1}) {
        assertThat(Arrays.equals(expanded.vocabulary().row(i), shipped.vocabulary().row(i))).isTrue();
      }
      ModelChoice choice = expanded.select(
          ChatRequest.of("a misty mountain village painted in black ink with soft sumi-e brush strokes"), null);
      assertThat(choice.ranked().stream().limit(5).map(ScoredModel::model))
          .contains(FewShotModelExample.INK_WASH);
    }
    FewShotModelExample.main(new String[0]);
  }

  @Test
  void evaluates_the_default_pipeline_on_a_data_file(@TempDir Path out) {
    Path data = Path.of(System.getProperty("chatgen.shared", "../shared")).resolve("civitai");
    assumeTrue(Files.isRegularFile(data.resolve("chats.jsonl")), "skipped: no ../shared/civitai");
    EvaluationResult result = EvaluateExample.evaluate(data, out, 12);
    assertThat(out.resolve(EvaluationResult.SUMMARY)).isRegularFile();
    assertThat(out.resolve(EvaluationResult.REPORT)).isRegularFile();
    assertThat(result.predictions()).hasSize(12);
    assertThat(result.report()).contains("selection top-1");
  }
}
