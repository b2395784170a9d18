package io.chatgen.params.doc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.chatgen.core.Param;
import io.chatgen.core.Sampler;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DocumentationExtractorTest {
  private final DocumentationExtractor x = new DocumentationExtractor();

  @Test
  void reads_the_usual_recommendation_line() {
    ModelDocumentation d = x.extract("My model.\nSampler: DPM++ 2M Karras, Steps 25-30, CFG 7, Clip skip 2, Hires fix");
    assertThat(d.samplers()).containsExactly(Sampler.DPMPP_2M_KARRAS);
    assertThat(d.steps()).isEqualTo(new Range(25, 30));
    assertThat(d.cfgScale()).isEqualTo(Range.of(7));
    assertThat(d.clipSkip()).isEqualTo(2);
    assertThat(d.hires()).isTrue();
    assertThat(d.source(Param.STEPS)).contains("Steps 25-30");
  }

  @Test
  void reads_other_spellings() {
    ModelDocumentation d = x.extract("Recommended:\n30 steps - 7cfg\nsampler dpmpp_sde_karras or Euler a\n"
        + "Resolution 512x768\nCFG scale: 5~7.5");
    assertThat(d.steps()).isEqualTo(Range.of(30));
    assertThat(d.cfgScale()).isEqualTo(Range.of(7));
    assertThat(d.samplers()).containsExactly(Sampler.DPMPP_SDE_KARRAS, Sampler.EULER_A);
    assertThat(d.width()).isEqualTo(512);
    assertThat(d.height()).isEqualTo(768);
  }

  @Test
  void longer_sampler_names_win_over_their_prefixes() {
    assertThat(DocumentationExtractor.samplersNamedIn("use DPM++ 2M SDE Karras"))
        .containsExactly(Sampler.DPMPP_2M_SDE_KARRAS);
    assertThat(DocumentationExtractor.samplersNamedIn("DPM++2M Karras then Euler"))
        .containsExactly(Sampler.DPMPP_2M_KARRAS, Sampler.EULER);
  }

  @Test
  void ignores_training_steps_and_garbage_numbers() {
    ModelDocumentation d = x.extract("Trained for 8000 steps on 100 images.\nSteps: 1000000000\nCFG 999\n"
        + "clip skip 77\nsize 99999x3");
    assertThat(d.steps()).isNull();
    assertThat(d.cfgScale()).isNull();
    assertThat(d.clipSkip()).isNull();
    assertThat(d.width()).isNull();
    assertThat(d.rejected()).isGreaterThanOrEqualTo(3);
  }

  @Test
  void a_hires_fix_the_author_advises_against_is_not_recommended() {
    assertThat(x.extract("Using highres fix is not recommended").hires()).isFalse();
    assertThat(x.extract("").isEmpty()).isTrue();
  }

  @Test
  void a_description_line_of_a_keyword_and_a_long_run_of_spaces_is_read_without_hanging() {
    // a card's description is read when a model is added by file name or card: quadratic
    // backtracking took minutes on such a line; a hang guard, not a speed target
    for (String keyword : new String[] {"Steps", "CFG scale", "Clip skip", "20 -", "512"}) {
      String line = keyword + " ".repeat(100_000) + "x";
      assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThat(x.extract(line).steps()).isNull(), keyword);
    }
  }
}
