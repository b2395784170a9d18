package io.chatgen.examples;

import io.chatgen.core.ChatRequest;
import io.chatgen.core.GenerationPlan;
import io.chatgen.core.pipeline.ChatGen;

/**
 * Composes the default pipeline from the stage modules on the classpath and plans a request.
 *
 * <pre>{@code
 * java -cp examples/target/chatgen-examples.jar io.chatgen.examples.ComposePipelineExample "a lighthouse at dusk"
 * }</pre>
 */
public final class ComposePipelineExample {
  private ComposePipelineExample() {}

  /** Plans one request with every default stage (rewriter, ModelToken selector, configurator). */
  public static GenerationPlan plan(String request) {
    try (ChatGen chatGen = ChatGen.builder().withoutGenerator().build()) {
      return chatGen.plan(ChatRequest.of(request));
    }
  }

  public static void main(String[] args) {
    String request = args.length > 0 ? String.join(" ", args) : "help me draw a girl reading in a rainy cafe";
    GenerationPlan plan = plan(request);
    System.out.println("prompt:   " + plan.prompt().prompt());
    System.out.println("negative: " + plan.prompt().negativePrompt());
    System.out.printf("model:    %s (p=%.2f)%n", plan.model().name(), plan.choice().probability());
    System.out.println("params:   " + plan.generationParams());
    plan.params().reasons().forEach((param, why) -> System.out.println("  " + param.jsonName() + ": " + why));
  }
}
