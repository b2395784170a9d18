package io.chatgen.modeltoken;

import io.chatgen.core.BaseArchitecture;
import io.chatgen.core.ModelCard;
import io.chatgen.modeltoken.encoder.HashedTextEncoder;
import java.util.ArrayList;
import java.util.List;

/** A tiny synthetic world: four models with distinctive vocabularies, built by the tests. */
final class Fixtures {
  private Fixtures() {}

  static final String[][] TOPICS = {
    {"castle", "dragon", "knight", "medieval", "sword"},
    {"anime", "girl", "school", "uniform", "cherry"},
    {"cyberpunk", "neon", "city", "rain", "robot"},
    {"portrait", "photo", "realistic", "skin", "lens"},
  };

  static ModelCard card(long id, String name, BaseArchitecture base, boolean nsfw) {
    return new ModelCard(id, id * 10, name, base, base.label(), List.of("tag" + id), List.of(), "", List.of(), nsfw,
        null);
  }

  static List<ModelCard> cards() {
    return List.of(card(1, "Medieval Mix", BaseArchitecture.SD_1, false),
        card(2, "Anime Dream", BaseArchitecture.SD_1, false),
        card(3, "Neon XL", BaseArchitecture.SDXL, false),
        card(4, "Real Skin", BaseArchitecture.SD_1, true));
  }

  /** Six texts per model, each a few of its topic words plus shared filler. */
  static List<LabeledText> texts() {
    List<LabeledText> out = new ArrayList<>();
    for (int m = 0; m < TOPICS.length; m++) {
      String[] t = TOPICS[m];
      for (int i = 0; i < 6; i++) {
        out.add(new LabeledText("masterpiece best quality " + t[i % 5] + " " + t[(i + 1) % 5] + " " + t[(i + 2) % 5],
            m + 1));
      }
    }
    return out;
  }

  static HashedTextEncoder encoder() {
    return HashedTextEncoder.fit(texts().stream().map(LabeledText::text).toList(), 64, 1, "fixture");
  }
}
