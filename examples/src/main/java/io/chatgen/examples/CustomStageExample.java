package io.chatgen.examples;

import io.chatgen.core.ChatRequest;
import io.chatgen.core.ConfiguredParams;
import io.chatgen.core.GenerationPlan;
import io.chatgen.core.Param;
import io.chatgen.core.RewrittenPrompt;
import io.chatgen.core.Sampler;
import io.chatgen.core.pipeline.ChatGen;
import io.chatgen.core.stage.ParamConfigurator;
import io.chatgen.core.stage.PromptRewriter;
import java.util.Map;

/**
 * Replaces stages with your own code: here a lambda configurator for quick drafts, and a
 * rewriter that wraps the default one to add a house style. The selector stays the default.
 */
public final class CustomStageExample {
  private CustomStageExample() {}

  /** Plans a request with a draft configurator and a watercolour house style. */
  public static GenerationPlan plan(String request) {
    try (ChatGen defaults = ChatGen.builder().withoutGenerator().build()) {
      PromptRewriter house = defaults.rewriter();
      PromptRewriter watercolour = chat -> {
        RewrittenPrompt p = house.rewrite(chat);
        return new RewrittenPrompt(p.prompt() + ", watercolor", p.negativePrompt() + ", photo", p.notes());
      };
      ParamConfigurator draft = (chat, prompt, choice) -> {
        ConfiguredParams base = defaults.configurator().configure(chat, prompt, choice);
        return new ConfiguredParams(base.params().withSampler(Sampler.EULER_A).withSteps(12),
            Map.of(Param.SAMPLER, "draft preset", Param.STEPS, "draft preset"));
      };
      ChatGen custom = defaults.toBuilder().rewriter(watercolour).configurator(draft).build();
      return custom.plan(ChatRequest.of(request));
    }
  }

  public static void main(String[] args) {
    GenerationPlan plan = plan(args.length > 0 ? String.join(" ", args) : "a fox in the snow");
    System.out.println(plan.prompt().prompt());
    System.out.println(plan.generationParams());
  }
}
