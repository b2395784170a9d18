package io.chatgen.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatgen.core.GenerationPlan;
import io.chatgen.core.Param;
import io.chatgen.core.Sampler;
import org.junit.jupiter.api.Test;

class ExamplesTest {

  @Test
  void the_default_pipeline_plans_a_request() {
    GenerationPlan plan = ComposePipelineExample.plan("a lighthouse on a cliff at dusk, oil painting");
    assertThat(plan.prompt().prompt()).containsIgnoringCase("lighthouse");
    assertThat(plan.choice().ranked()).hasSizeGreaterThan(1);
    assertThat(plan.params().reasons()).isNotEmpty();
    ComposePipelineExample.main(new String[] {"a cat"});
  }

  @Test
  void a_lambda_replaces_a_stage() {
    GenerationPlan plan = CustomStageExample.plan("a fox in the snow");
    assertThat(plan.prompt().prompt()).endsWith(", watercolor");
    assertThat(plan.generationParams().sampler()).isEqualTo(Sampler.EULER_A);
    assertThat(plan.generationParams().steps()).isEqualTo(12);
    assertThat(plan.params().reasons()).containsEntry(Param.STEPS, "draft preset");
  }
}
