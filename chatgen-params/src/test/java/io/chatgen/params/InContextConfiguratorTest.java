package io.chatgen.params;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatgen.core.BaseArchitecture;
import io.chatgen.core.ChatRequest;
import io.chatgen.core.ConfiguredParams;
import io.chatgen.core.GenerationParams;
import io.chatgen.core.InvalidRequestException;
import io.chatgen.core.ModelCard;
import io.chatgen.core.ModelChoice;
import io.chatgen.core.Param;
import io.chatgen.core.RewrittenPrompt;
import io.chatgen.core.Sampler;
import io.chatgen.core.ScoredModel;
import io.chatgen.core.data.Demonstration;
import io.chatgen.params.resource.ParamResource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InContextConfiguratorTest {
  private final InContextConfigurator c = Fixtures.configurator();

  private ConfiguredParams configure(String chat, ModelCard card) {
    return c.configure(ChatRequest.of(chat), new RewrittenPrompt(chat, ""), ModelChoice.forced(card));
  }

  private static void assertValid(ConfiguredParams p, BaseArchitecture base) {
    assertThat(ParamSchema.forBase(base).accepts(p.params())).isTrue();
  }

  @Test
  void the_nearest_demonstrations_decide_and_are_cited() {
    ConfiguredParams land = configure("a castle in a mountain landscape at sunset", Fixtures.SCENERY);
    assertThat(land.params().sampler()).isEqualTo(Sampler.EULER_A);
    assertThat(land.params().steps()).isEqualTo(30);
    assertThat(land.params().width()).isEqualTo(768);
    assertThat(land.params().height()).isEqualTo(512);
    assertThat(land.reasons().get(Param.SAMPLER)).contains("image 10");

    ConfiguredParams face = configure("portrait of an old woman, face close up", Fixtures.SCENERY);
    assertThat(face.params().sampler()).isEqualTo(Sampler.DPMPP_2M_KARRAS);
    assertThat(face.params().steps()).isEqualTo(20);
    assertThat(face.params().cfgScale()).isEqualTo(6.0);
    assertThat(face.params().width()).isEqualTo(512);
    assertThat(face.params().height()).isEqualTo(768);
    assertThat(face.params().clipSkip()).isEqualTo(2);
  }

  @Test
  void explicit_wishes_in_the_chat_win() {
    ConfiguredParams p = configure("a castle landscape, seed 42, cfg 9, DPM++ SDE Karras, square, 40 steps",
        Fixtures.SCENERY);
    assertThat(p.params().seed()).isEqualTo(42);
    assertThat(p.params().cfgScale()).isEqualTo(9.0);
    assertThat(p.params().sampler()).isEqualTo(Sampler.DPMPP_SDE_KARRAS);
    assertThat(p.params().steps()).isEqualTo(40);
    assertThat(p.params().width()).isEqualTo(p.params().height());
    assertThat(p.reasons().get(Param.CFG_SCALE)).contains("asked for in the chat").contains("cfg 9");
  }

  @Test
  void quick_drafts_take_fewer_steps_and_more_steps_more() {
    int voted = configure("a castle landscape", Fixtures.SCENERY).params().steps();
    assertThat(configure("a quick draft of a castle landscape", Fixtures.SCENERY).params().steps()).isLessThan(voted);
    assertThat(configure("a castle landscape, more steps", Fixtures.SCENERY).params().steps()).isGreaterThan(voted);
  }

  @Test
  void size_follows_the_request_within_the_native_resolutions() {
    // the landscape demos are 768x512; a phone wallpaper must be portrait, and this model uses 512x768
    ConfiguredParams phone = configure("a phone wallpaper of a castle landscape", Fixtures.SCENERY);
    assertThat(phone.params().height()).isGreaterThan(phone.params().width());
    assertThat(phone.params().width()).isEqualTo(512);
    assertThat(phone.params().height()).isEqualTo(768);
    // the anime model only uses squares: a banner comes from SD 1.x's native sides
    ConfiguredParams banner = configure("a banner with an anime girl", Fixtures.ANIME);
    assertThat(banner.params().width()).isGreaterThan(banner.params().height());
    assertThat(BaseArchitecture.SD_1.commonSides()).contains(banner.params().width(), banner.params().height());
    assertThat(banner.reasons().get(Param.WIDTH)).contains("banner");
    // the anime model's own squares already fit a square wish: kept, and the reason says it was heard
    ConfiguredParams avatar = configure("an avatar of an anime girl", Fixtures.ANIME);
    assertThat(avatar.params().width()).isEqualTo(avatar.params().height());
    assertThat(avatar.reasons().get(Param.WIDTH)).contains("% of the weighted", "square as the chat asks (\"avatar\")");
  }

  @Test
  void a_model_the_resource_does_not_know_is_configured_from_its_card() {
    ModelCard own = new ModelCard(99, 991, "User Model", BaseArchitecture.SD_1, "SD 1.5", List.of(), List.of(),
        "Best with Sampler: DDIM\nSteps: 45\nCFG scale 6.5\nclip skip 1", List.of(), false, null);
    ConfiguredParams p = configure("a lighthouse", own);
    assertThat(p.params().sampler()).isEqualTo(Sampler.DDIM);
    assertThat(p.params().steps()).isEqualTo(45);
    assertThat(p.params().cfgScale()).isEqualTo(6.5);
    assertThat(p.params().clipSkip()).isEqualTo(1);
    assertThat(p.reasons().get(Param.STEPS)).contains("documentation").contains("Steps: 45");
    assertValid(p, BaseArchitecture.SD_1);
  }

  @Test
  void an_unknown_model_hears_similar_models_by_the_same_creator() {
    ModelCard sibling = new ModelCard(98, 981, "Anime Blend v2", BaseArchitecture.SD_1, "SD 1.5", List.of("anime"),
        List.of(), "", List.of(), false, "bob");
    ConfiguredParams p = configure("an anime girl", sibling);
    assertThat(p.params().sampler()).isEqualTo(Sampler.DPMPP_SDE_KARRAS);
    assertThat(p.params().steps()).isEqualTo(28);
    assertThat(p.reasons().get(Param.SAMPLER)).contains("similar model Anime Blend").contains("same creator");
  }

  @Test
  void an_unknown_model_with_nothing_similar_gets_its_base_defaults() {
    ModelCard xl = ModelCard.of(77, 771, "Lonely XL", BaseArchitecture.SDXL);
    ConfiguredParams p = configure("a red bicycle", xl);
    GenerationParams d = ParamSchema.forBase(BaseArchitecture.SDXL).defaults();
    assertThat(p.params().width()).isEqualTo(1024);
    assertThat(p.params().sampler()).isEqualTo(d.sampler());
    assertThat(p.params().steps()).isEqualTo(d.steps());
    assertThat(p.reasons().get(Param.STEPS)).contains("SDXL defaults");
    assertValid(p, BaseArchitecture.SDXL);
  }

  @Test
  void garbage_numbers_in_a_description_still_give_a_valid_plan() {
    ModelCard junk = new ModelCard(66, 661, "Junk", BaseArchitecture.SD_1, "SD 1.5", List.of(), List.of(),
        "Steps 1000000000, CFG 9999, clip skip -3, 99999x7 px, Sampler: Foo Bar 3000", List.of(), false, null);
    ConfiguredParams p = configure("a tree", junk);
    assertValid(p, BaseArchitecture.SD_1);
    assertThat(p.params().steps()).isBetween(1, 150);
  }

  @Test
  void the_seed_is_derived_from_the_request_unless_fixed() {
    long a = configure("a castle landscape", Fixtures.SCENERY).params().seed();
    assertThat(configure("a castle landscape", Fixtures.SCENERY).params().seed()).isEqualTo(a);
    assertThat(a).isEqualTo(InContextConfigurator.deriveSeed("a castle landscape"));
    assertThat(configure("a castle landscape at night", Fixtures.SCENERY).params().seed()).isNotEqualTo(a);
    InContextConfigurator fixed = InContextConfigurator.builder().resource(Fixtures.resource()).fixedSeed(7).build();
    assertThat(fixed.configure(ChatRequest.of("x"), new RewrittenPrompt("x", ""), ModelChoice.forced(Fixtures.ANIME))
        .params().seed()).isEqualTo(7);
  }

  @Test
  void overrides_win_and_impossible_ones_are_refused() {
    ChatRequest r = ChatRequest.of("a castle landscape, cfg 9");
    RewrittenPrompt rp = new RewrittenPrompt("castle", "");
    ConfiguredParams p = c.configure(r, rp, ModelChoice.forced(Fixtures.SCENERY),
        ParamOverrides.builder().cfgScale(4).steps(200).sampler("ddim").build());
    assertThat(p.params().cfgScale()).isEqualTo(4.0);
    assertThat(p.params().steps()).isEqualTo(150);
    assertThat(p.reasons().get(Param.STEPS)).contains("set by the caller").contains("clamped to 150");
    assertThat(p.params().sampler()).isEqualTo(Sampler.DDIM);
    assertThatThrownBy(() -> ParamOverrides.builder().cfgScale(Double.NaN)).isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("not a number");
    assertThatThrownBy(() -> ParamOverrides.builder().steps(-5)).isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("negative");
    assertThatThrownBy(() -> c.configure(r, rp, ModelChoice.forced(Fixtures.SCENERY),
        ParamOverrides.builder().steps(1e9).build())).isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("impossible");
    assertThatThrownBy(() -> configure("a cat, 10^9 steps", Fixtures.SCENERY))
        .isInstanceOf(InvalidRequestException.class);
  }

  @Test
  void an_unsure_selection_lets_the_runners_up_vote_by_probability() {
    ModelChoice unsure = new ModelChoice(List.of(new ScoredModel(Fixtures.SCENERY, 0.5),
        new ScoredModel(Fixtures.ANIME, 0.5)), List.of());
    ConfiguredParams p = c.configure(ChatRequest.of("anime girl"), new RewrittenPrompt("anime girl", ""), unsure);
    // the scenery model's demos share no word with the request and split evenly between two samplers;
    // the equally likely anime model's demos agree on one
    assertThat(p.params().sampler()).isEqualTo(Sampler.DPMPP_SDE_KARRAS);
    assertThat(p.reasons().get(Param.SAMPLER)).contains("runner-up Anime Blend");
    // the hedge hears the same anime demos: each image is named once, with both of its roles
    String why = p.reasons().get(Param.SAMPLER);
    assertThat(why.split("image 202", -1)).hasSize(2);
    assertThat(why).contains("image 202 of runner-up Anime Blend (p=0.50) and of a request like this one");
    // without runners-up (and without the hedge, which hears the same anime demos)
    InContextConfigurator off = InContextConfigurator.builder().resource(Fixtures.resource()).alternatives(0, 0)
        .hedge(0).build();
    assertThat(off.configure(ChatRequest.of("anime girl"), new RewrittenPrompt("anime girl", ""), unsure).params()
        .sampler()).isNotEqualTo(Sampler.DPMPP_SDE_KARRAS);
  }

  @Test
  void the_cards_own_version_outweighs_the_models_other_versions() {
    // model 3: four demos of version 31 in Euler a / 25 steps, two of version 32 in DPM++ 2M Karras / 35 steps
    ModelCard v31 = new ModelCard(3, 31, "Two Versions", BaseArchitecture.SD_1, "SD 1.5", List.of(), List.of(), "",
        List.of(), false, "carol");
    ModelCard v32 = new ModelCard(3, 32, "Two Versions", BaseArchitecture.SD_1, "SD 1.5", List.of(), List.of(), "",
        List.of(), false, "carol");
    ModelCard v33 = new ModelCard(3, 33, "Two Versions", BaseArchitecture.SD_1, "SD 1.5", List.of(), List.of(), "",
        List.of(), false, "carol");
    List<Demonstration> demos = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      demos.add(versionDemo(301 + i, 31, "a red fox in the snow", "Euler a", 25));
    }
    for (int i = 0; i < 2; i++) {
      demos.add(versionDemo(311 + i, 32, "a red fox in the snow", "DPM++ 2M Karras", 35));
    }
    ParamResource r = ParamResource.build(demos,
        List.of(v32), true);
    InContextConfigurator versioned = InContextConfigurator.builder().resource(r).build();
    RewrittenPrompt fox = new RewrittenPrompt("a red fox in the snow", "");
    ConfiguredParams newer = versioned.configure(ChatRequest.of("a fox"), fox, ModelChoice.forced(v32));
    assertThat(newer.params().sampler()).isEqualTo(Sampler.DPMPP_2M_KARRAS);
    assertThat(newer.params().steps()).isEqualTo(35);
    ConfiguredParams older = versioned.configure(ChatRequest.of("a fox"), fox, ModelChoice.forced(v31));
    assertThat(older.params().sampler()).isEqualTo(Sampler.EULER_A);
    assertThat(older.reasons().get(Param.SAMPLER)).contains("image 301").doesNotContain("made with version");
    assertThat(newer.reasons().get(Param.SAMPLER)).contains("image 311");
    // a version without demos hears all versions alike, and so does a configurator told to
    assertThat(versioned.configure(ChatRequest.of("a fox"), fox, ModelChoice.forced(v33)).params().steps())
        .isEqualTo(25);
    InContextConfigurator alike = InContextConfigurator.builder().resource(r).otherVersionWeight(1).build();
    assertThat(alike.configure(ChatRequest.of("a fox"), fox, ModelChoice.forced(v32)).params().steps()).isEqualTo(25);
    assertThatThrownBy(() -> InContextConfigurator.builder().otherVersionWeight(1.5))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("1.5");
  }

  @Test
  void unverified_demonstrations_count_less_and_say_so() {
    // model 3: two verified demos in Euler a / 25 steps, three unverified (another file) in DPM++ 2M Karras / 35
    ModelCard card = new ModelCard(3, 31, "Half Verified", BaseArchitecture.SD_1, "SD 1.5", List.of(), List.of(), "",
        List.of(), false, "carol");
    List<Demonstration> demos = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      demos.add(versionDemo(301 + i, 31, "a red fox in the snow", "Euler a", 25));
    }
    for (int i = 0; i < 3; i++) {
      demos.add(new Demonstration(311 + i, 3, 31, "a red fox in the snow", null, "DPM++ 2M Karras", 35, 7.0, 1L, 512,
          512, 2, false, false, "unverified"));
    }
    ParamResource r = ParamResource.build(demos, List.of(card), true);
    RewrittenPrompt fox = new RewrittenPrompt("a red fox in the snow", "");
    ConfiguredParams p = InContextConfigurator.builder().resource(r).build()
        .configure(ChatRequest.of("a fox"), fox, ModelChoice.forced(card));
    assertThat(p.params().steps()).isEqualTo(25);
    assertThat(p.reasons().get(Param.STEPS)).contains("image 301");
    InContextConfigurator alike = InContextConfigurator.builder().resource(r).unverifiedWeight(1).build();
    ConfiguredParams q = alike.configure(ChatRequest.of("a fox"), fox, ModelChoice.forced(card));
    assertThat(q.params().steps()).isEqualTo(35);
    assertThat(q.reasons().get(Param.STEPS)).contains("image 311 (unverified: made with another file)");
    // only unverified demonstrations, weighed 0: no evidence, so the base architecture's values, never NaN
    ParamResource onlyUnverified = r.without(java.util.Set.of(301L, 302L));
    ConfiguredParams none = InContextConfigurator.builder().resource(onlyUnverified).unverifiedWeight(0).build()
        .configure(ChatRequest.of("a fox"), fox, ModelChoice.forced(card));
    assertThat(none.params().steps()).isNotEqualTo(35);
    assertValid(none, BaseArchitecture.SD_1);
    assertThatThrownBy(() -> InContextConfigurator.builder().unverifiedWeight(-0.5))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("-0.5");
  }

  @Test
  void a_request_like_no_demonstration_gets_the_models_most_used_values_when_spread_weighs_enough() {
    // model 3: four castle pictures in 30 steps, one fox in 20; a fox request resembles the fox only a little
    ModelCard card = new ModelCard(3, 31, "Castles Mostly", BaseArchitecture.SD_1, "SD 1.5", List.of(), List.of(), "",
        List.of(), false, "dave");
    List<Demonstration> demos = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      demos.add(versionDemo(401 + i, 31, "a gothic castle on a cliff at night, moonlight, towers", "Euler a", 30));
    }
    demos.add(versionDemo(405, 31, "a red fox sleeping in deep snow under pine trees, winter morning", "Euler a",
        20));
    ParamResource r = ParamResource.build(demos, List.of(card), true);
    RewrittenPrompt fox = new RewrittenPrompt("a fox", "");
    ConfiguredParams nearest = InContextConfigurator.builder().resource(r).spreadWeight(0).build()
        .configure(ChatRequest.of("a fox"), fox, ModelChoice.forced(card));
    assertThat(nearest.params().steps()).isEqualTo(20);
    ConfiguredParams spread = InContextConfigurator.builder().resource(r).spreadWeight(1).build()
        .configure(ChatRequest.of("a fox"), fox, ModelChoice.forced(card));
    assertThat(spread.params().steps()).isEqualTo(30);
    assertThat(spread.reasons().get(Param.STEPS)).contains("image 401");
    assertThatThrownBy(() -> InContextConfigurator.builder().spreadWeight(2))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("spreadWeight").hasMessageContaining("2");
  }

  @Test
  void steps_follow_the_demonstrations_made_with_the_chosen_sampler() {
    // Euler a in 20 steps three times; two other samplers in 30 steps twice each: Euler a wins the
    // sampler vote, and 30 the steps vote unless the Euler a pictures weigh more in it
    ModelCard card = new ModelCard(3, 31, "Mixed Steps", BaseArchitecture.SD_1, "SD 1.5", List.of(), List.of(), "",
        List.of(), false, "erin");
    List<Demonstration> demos = new ArrayList<>();
    String prompt = "a lighthouse on a rocky coast at dusk, waves";
    for (int i = 0; i < 3; i++) {
      demos.add(versionDemo(501 + i, 31, prompt, "Euler a", 20));
    }
    for (int i = 0; i < 2; i++) {
      demos.add(versionDemo(511 + i, 31, prompt, "DPM++ 2M Karras", 30));
      demos.add(versionDemo(521 + i, 31, prompt, "DDIM", 30));
    }
    ParamResource r = ParamResource.build(demos, List.of(card), true);
    RewrittenPrompt lighthouse = new RewrittenPrompt(prompt, "");
    ConfiguredParams apart = InContextConfigurator.builder().resource(r).samplerCoupling(0).build()
        .configure(ChatRequest.of(prompt), lighthouse, ModelChoice.forced(card));
    assertThat(apart.params().sampler()).isEqualTo(Sampler.EULER_A);
    assertThat(apart.params().steps()).isEqualTo(30);
    ConfiguredParams coupled = InContextConfigurator.builder().resource(r).build()
        .configure(ChatRequest.of(prompt), lighthouse, ModelChoice.forced(card));
    assertThat(coupled.params().sampler()).isEqualTo(Sampler.EULER_A);
    assertThat(coupled.params().steps()).isEqualTo(20);
    assertThatThrownBy(() -> InContextConfigurator.builder().samplerCoupling(-1))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("samplerCoupling");
  }

  private static Demonstration versionDemo(long image, long version, String prompt,
      String sampler, int steps) {
    return new Demonstration(image, 3, version, prompt, null, sampler, steps, 7.0, 1L, 512, 512,
        2, false, true, "train");
  }

  @Test
  void an_unsure_selection_hedges_with_the_demonstrations_nearest_to_the_request() {
    RewrittenPrompt anime = new RewrittenPrompt("anime girl smiling, cherry blossoms", "");
    ModelChoice unsure = new ModelChoice(List.of(new ScoredModel(Fixtures.SCENERY, 0.2)), List.of());
    ConfiguredParams hedged = c.configure(ChatRequest.of("an anime girl"), anime, unsure);
    assertThat(hedged.params().sampler()).isEqualTo(Sampler.DPMPP_SDE_KARRAS);
    assertThat(hedged.params().steps()).isEqualTo(28);
    assertThat(hedged.reasons().get(Param.SAMPLER)).contains("image 202 of a request like this one (selection p=0.20)");
    // sure of the model: its own demonstrations decide
    ConfiguredParams sure = c.configure(ChatRequest.of("an anime girl"), anime, ModelChoice.forced(Fixtures.SCENERY));
    assertThat(sure.params().sampler()).isNotEqualTo(Sampler.DPMPP_SDE_KARRAS);
    InContextConfigurator off = InContextConfigurator.builder().resource(Fixtures.resource()).hedge(0).build();
    assertThat(off.configure(ChatRequest.of("an anime girl"), anime, unsure).params().sampler())
        .isEqualTo(sure.params().sampler());
  }

  @Test
  void every_scored_value_has_a_reason() {
    ConfiguredParams p = configure("anime girl", Fixtures.ANIME);
    assertThat(p.reasons()).containsKeys(Param.SAMPLER, Param.STEPS, Param.CFG_SCALE, Param.CLIP_SKIP, Param.WIDTH,
        Param.HEIGHT, Param.SEED);
    assertThat(c.describe()).contains("k=10");
  }
}
