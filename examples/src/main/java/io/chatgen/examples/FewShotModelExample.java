package io.chatgen.examples;

import io.chatgen.core.BaseArchitecture;
import io.chatgen.core.ChatRequest;
import io.chatgen.core.ModelCard;
import io.chatgen.core.ModelChoice;
import io.chatgen.core.ModelFile;
import io.chatgen.modeltoken.ModelTokenSelector;
import io.chatgen.modeltoken.ModelTokenTrainer;
import io.chatgen.modeltoken.NewModel;
import java.util.List;

/**
 * Adds a new checkpoint to the shipped ModelToken vocabulary online, few-shot: the new token is
 * initialised from the prototype of a handful of example prompts and only that row is trained;
 * the existing tokens stay bit-identical, so nothing needs retraining.
 */
public final class FewShotModelExample {
  /** A checkpoint the shipped vocabulary has never seen (made up for the example). */
  public static final ModelCard INK_WASH = new ModelCard(9_000_001L, 9_000_001L, "Inkwash Dreams",
      BaseArchitecture.SD_1, "SD 1.5", List.of("ink wash", "chinese painting", "style"), List.of("inkwash style"),
      "Traditional East Asian ink wash painting: sumi-e brush strokes, rice paper, misty mountains.",
      List.of(new ModelFile("inkwashDreams_v1.safetensors", 2_082_642, "Model", "SafeTensor", "fp16", null, null)),
      false, "example");

  private static final List<String> EXAMPLES = List.of(
      "inkwash style, misty mountains above a river, sumi-e, brush strokes, rice paper, monochrome ink",
      "inkwash style, a crane standing in reeds, ink wash painting, minimal, negative space",
      "inkwash style, bamboo forest in the rain, traditional chinese painting, black ink, soft wash",
      "inkwash style, old fisherman in a small boat, sumi-e, mist, calligraphic brush strokes");

  private FewShotModelExample() {}

  /** The shipped selector with {@link #INK_WASH} added from four example prompts. */
  public static ModelTokenSelector expandedSelector(ModelTokenSelector shipped) {
    ModelTokenTrainer trainer = ModelTokenTrainer.builder().optSeed(7).build();
    return shipped.expand(List.of(new NewModel(INK_WASH, EXAMPLES)), trainer);
  }

  public static void main(String[] args) {
    String request = args.length > 0 ? String.join(" ", args)
        : "a misty mountain village painted in black ink with soft brush strokes";
    try (ModelTokenSelector shipped = ModelTokenSelector.builder().build();
        ModelTokenSelector expanded = expandedSelector(shipped)) {
      long t0 = System.nanoTime();
      ModelChoice choice = expanded.select(ChatRequest.of(request), null);
      System.out.printf("vocabulary: %d -> %d tokens%n", shipped.vocabulary().size(), expanded.vocabulary().size());
      System.out.printf("selected in %.1f ms for: %s%n", (System.nanoTime() - t0) / 1e6, request);
      choice.ranked().stream().limit(5).forEach(s ->
          System.out.printf("  %.3f  %s%n", s.probability(), s.model().name()));
    }
  }
}
