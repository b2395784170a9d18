package io.chatgen.params;

import io.chatgen.core.BaseArchitecture;
import io.chatgen.core.ModelCard;
import io.chatgen.core.data.Demonstration;
import io.chatgen.params.resource.ParamResource;
import java.util.List;

/** A tiny synthetic world: two models with a handful of demonstrations each (texts written here). */
public final class Fixtures {
  private Fixtures() {}

  /** Castles and landscapes in Euler a / 30 steps / 768x512; portraits in DPM++ 2M Karras / 20 / 512x768. */
  public static final ModelCard SCENERY = new ModelCard(1, 11, "Scenery Mix", BaseArchitecture.SD_1, "SD 1.5",
      List.of("landscape", "fantasy"), List.of("scnry"), "A mix for scenery.\nSampler: Euler a, Steps 30, CFG 7",
      List.of(), false, "alice");
  public static final ModelCard ANIME = new ModelCard(2, 21, "Anime Blend", BaseArchitecture.SD_1, "SD 1.5",
      List.of("anime", "girl"), List.of(), "", List.of(), false, "bob");

  public static Demonstration demo(long image, long model, String prompt, String sampler, int steps, double cfg,
      int w, int h, Integer clip) {
    return new Demonstration(image, model, model * 10 + 1, prompt, null, sampler, steps, cfg, 1L, w, h, clip, false,
        true, "train");
  }

  public static List<Demonstration> demos() {
    return List.of(
        demo(101, 1, "a stone castle on a hill, landscape, sunset, mountains", "Euler a", 30, 7, 768, 512, 2),
        demo(102, 1, "castle landscape with river and mountains, golden hour", "Euler a", 30, 7, 768, 512, 2),
        demo(103, 1, "misty mountains landscape, castle ruins", "Euler a", 30, 7.5, 768, 512, 2),
        demo(104, 1, "portrait of a woman with red hair, close up face", "DPM++ 2M Karras", 20, 6, 512, 768, 2),
        demo(105, 1, "portrait of an old man, face, wrinkles", "DPM++ 2M Karras", 20, 6, 512, 768, 2),
        demo(106, 1, "portrait of a knight in armor, face close up", "DPM++ 2M Karras", 20, 6, 512, 768, null),
        demo(201, 2, "anime girl with blue hair in a school uniform", "DPM++ SDE Karras", 28, 9, 512, 512, 2),
        demo(202, 2, "anime girl smiling, cherry blossoms", "DPM++ SDE Karras", 28, 9, 512, 512, 2));
  }

  public static ParamResource resource() {
    return ParamResource.build(demos(), List.of(SCENERY, ANIME), true);
  }

  public static InContextConfigurator configurator() {
    return InContextConfigurator.builder().resource(resource()).build();
  }
}
