package io.chatgen.params;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatgen.core.BaseArchitecture;
import io.chatgen.core.ConfiguredParams;
import io.chatgen.core.GenerationParams;
import io.chatgen.core.InvalidRequestException;
import io.chatgen.core.Param;
import io.chatgen.core.Sampler;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParamSchemaTest {
  private final ParamSchema sd1 = ParamSchema.forBase(BaseArchitecture.SD_1);

  @Test
  void clamps_out_of_range_values_and_says_so() {
    assertThat(sd1.steps(200).value()).isEqualTo(150);
    assertThat(sd1.steps(200).note()).contains("200").contains("150");
    assertThat(sd1.steps(30).note()).isNull();
    assertThat(sd1.cfgScale(45).value()).isEqualTo(30.0);
    assertThat(sd1.cfgScale(0.2).value()).isEqualTo(1.0);
    assertThat(sd1.clipSkip(0).value()).isEqualTo(1);
  }

  @Test
  void sides_become_multiples_of_eight_within_the_architecture_limits() {
    assertThat(sd1.side(777, "width").value()).isEqualTo(776);
    assertThat(sd1.side(540, "width").value()).isEqualTo(544);
    assertThat(sd1.side(10_000, "width").value()).isEqualTo(1536);
    assertThat(sd1.side(10, "height").value()).isEqualTo(256);
    assertThat(ParamSchema.forBase(BaseArchitecture.SDXL).side(10_000, "width").value()).isEqualTo(2048);
    assertThat(sd1.side(Double.NaN, "width").value()).isEqualTo(512);
  }

  @Test
  void enforce_turns_a_valid_but_extreme_plan_into_one_the_schema_accepts() {
    GenerationParams extreme = new GenerationParams(Sampler.EULER_A, 400, 45, 1, 4096, 64, 7, null);
    assertThat(sd1.accepts(extreme)).isFalse();
    ConfiguredParams c = sd1.enforce(extreme, Map.of(Param.STEPS, "asked"));
    assertThat(sd1.accepts(c.params())).isTrue();
    assertThat(c.params().steps()).isEqualTo(150);
    assertThat(c.params().width()).isEqualTo(1536);
    assertThat(c.params().height()).isEqualTo(256);
    assertThat(c.reasons().get(Param.STEPS)).startsWith("asked; steps 400 clamped to 150");
  }

  @Test
  void impossible_overrides_are_refused_with_a_clear_message() {
    assertThatThrownBy(() -> sd1.checkOverride(Param.STEPS, Double.NaN))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("not a number");
    assertThatThrownBy(() -> sd1.checkOverride(Param.CFG_SCALE, -3))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("cfgScale -3 is negative");
    assertThatThrownBy(() -> sd1.checkOverride(Param.STEPS, 1e9))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("steps 1000000000 is impossible")
        .hasMessageContaining("1 to 150");
    assertThatThrownBy(() -> sd1.checkOverride(Param.STEPS, 2.5))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("whole number");
    assertThatThrownBy(() -> sd1.checkOverride(Param.SEED, 1e12))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("seed");
  }

  @Test
  void moderately_out_of_range_overrides_pass_the_check_to_be_clamped() {
    sd1.checkOverride(Param.STEPS, 300);
    sd1.checkOverride(Param.WIDTH, 2048);
    assertThat(sd1.steps(300).value()).isEqualTo(150);
  }
}
