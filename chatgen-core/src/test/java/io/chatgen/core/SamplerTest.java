package io.chatgen.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SamplerTest {

  @Test
  void finds_samplers_by_the_names_people_type() {
    assertThat(Sampler.lookup("DPM++ 2M Karras")).isEqualTo(Sampler.DPMPP_2M_KARRAS);
    assertThat(Sampler.lookup("dpmpp_2m_karras")).isEqualTo(Sampler.DPMPP_2M_KARRAS);
    assertThat(Sampler.lookup("k_euler_a")).isEqualTo(Sampler.EULER_A);
    assertThat(Sampler.lookup("Euler A")).isEqualTo(Sampler.EULER_A);
    assertThat(Sampler.lookup("euler_ancestral")).isEqualTo(Sampler.EULER_A);
    assertThat(Sampler.lookup("euler")).isEqualTo(Sampler.EULER);
    assertThat(Sampler.lookup("DPM2 a Karras")).isEqualTo(Sampler.DPM2_A_KARRAS);
    assertThat(Sampler.lookup("unipc")).isEqualTo(Sampler.UNIPC);
    assertThat(Sampler.lookup("ddim")).isEqualTo(Sampler.DDIM);
  }

  @Test
  void unknown_name_lists_the_known_ones() {
    assertThatThrownBy(() -> Sampler.lookup("Warp Drive"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("\"Warp Drive\"")
        .hasMessageContaining("DPM++ 2M Karras")
        .hasMessageContaining("Euler a");
  }

  @Test
  void custom_variants_map_to_their_closest_kin() {
    assertThat(Sampler.closest("DPM++ 2M Karras v2")).contains(Sampler.DPMPP_2M_KARRAS);
    assertThat(Sampler.closest("DPM++ 2M Karras Sharp")).contains(Sampler.DPMPP_2M_KARRAS);
    assertThat(Sampler.closest("Euler a")).contains(Sampler.EULER_A);
    assertThat(Sampler.closest("nonsense")).isEmpty();
    assertThat(Sampler.find(null)).isEmpty();
  }

  @Test
  void every_a1111_name_round_trips() {
    for (Sampler s : Sampler.values()) {
      assertThat(Sampler.lookup(s.a1111Name())).isEqualTo(s);
      assertThat(Sampler.lookup(s.name())).isEqualTo(s);
    }
  }
}
