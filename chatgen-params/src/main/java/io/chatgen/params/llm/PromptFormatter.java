package io.chatgen.params.llm;

import io.chatgen.core.ChatRequest;
import io.chatgen.core.ModelCard;
import io.chatgen.core.RewrittenPrompt;
import io.chatgen.core.Sampler;
import io.chatgen.core.llm.LlmMessage;
import io.chatgen.params.ParamSchema;
import io.chatgen.params.Retrieval;
import io.chatgen.params.doc.ModelDocumentation;
import io.chatgen.params.resource.DemoRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Formats the in-context prompt: the model's documentation, its retrieved demonstrations (with
 * their prompts when the configurator was built from the caller's own demonstrations; the
 * shipped resource has no prompt texts, so then only their parameters and similarity appear) and
 * the request. Stateless and thread-safe.
 */
public final class PromptFormatter {
  private static final int MAX_EXAMPLE_PROMPT = 400;

  /** The system message: the task and the answer format. */
  public LlmMessage system(ParamSchema schema) {
    return LlmMessage.system("You configure Stable Diffusion generation parameters for a chosen checkpoint, "
        + "learning from its documentation and from example images made with it. Answer with one JSON object and "
        + "nothing else: {\"sampler\": ..., \"steps\": ..., \"cfgScale\": ..., \"width\": ..., \"height\": ..., "
        + "\"clipSkip\": ...}. The sampler must be one of: "
        + Arrays.stream(Sampler.values()).map(Sampler::a1111Name).collect(Collectors.joining(", "))
        + ". For " + schema.base().label() + ": steps " + schema.minSteps() + "-" + schema.maxSteps() + ", cfgScale "
        + ParamSchemaFormat.num(schema.minCfg()) + "-" + ParamSchemaFormat.num(schema.maxCfg())
        + ", width and height multiples of 8 from " + schema.minSide() + " to " + schema.maxSide()
        + ". Explicit wishes in the request win.");
  }

  /** The user message: documentation, examples and the request. */
  public LlmMessage user(Retrieval r, ChatRequest request, RewrittenPrompt prompt, int examples) {
    ModelCard card = r.model();
    StringBuilder b = new StringBuilder();
    b.append("Model: ").append(card.name()).append(" (base ").append(card.base().label()).append(", native ")
        .append(card.base().nativeSide()).append("px)\n");
    b.append("Documentation: ").append(documentation(r.documentation())).append('\n');
    List<Retrieval.Neighbor> shown = new ArrayList<>(r.neighbors().subList(0, Math.min(examples, r.neighbors().size())));
    String whose = "this model";
    if (shown.isEmpty()) {
      shown.addAll(r.similarNeighbors().subList(0, Math.min(examples, r.similarNeighbors().size())));
      whose = "similar models (this model has none)";
    }
    if (shown.isEmpty()) {
      b.append("Examples: none known.\n");
    } else {
      b.append("Examples made with ").append(whose).append(", most similar to the request first:\n");
      int i = 1;
      for (Retrieval.Neighbor n : shown) {
        b.append(i++).append(". ");
        DemoRecord d = n.demo();
        if (d.prompt() != null) {
          String p = d.prompt().replaceAll("\\s+", " ");
          b.append("prompt: \"").append(p.length() > MAX_EXAMPLE_PROMPT ? p.substring(0, MAX_EXAMPLE_PROMPT) + "..."
              : p).append("\" -> ");
        } else {
          b.append(String.format("(similarity %.2f) ", n.similarity()));
        }
        b.append(example(d)).append('\n');
      }
    }
    b.append("Request: ").append(request.userText().strip()).append('\n');
    b.append("Prompt: ").append(prompt.prompt().strip()).append('\n');
    b.append("Answer with the JSON object only.");
    return LlmMessage.user(b.toString());
  }

  static String example(DemoRecord d) {
    List<String> parts = new ArrayList<>();
    if (d.sampler() != null) {
      parts.add("sampler " + d.sampler().a1111Name());
    }
    if (d.steps() != null) {
      parts.add("steps " + d.steps());
    }
    if (d.cfgScale() != null) {
      parts.add("cfgScale " + ParamSchemaFormat.num(d.cfgScale()));
    }
    if (d.width() != null) {
      parts.add("size " + d.width() + "x" + d.height());
    }
    if (d.clipSkip() != null) {
      parts.add("clipSkip " + d.clipSkip());
    }
    return String.join(", ", parts);
  }

  static String documentation(ModelDocumentation doc) {
    List<String> parts = new ArrayList<>();
    if (!doc.samplers().isEmpty()) {
      parts.add("samplers " + doc.samplers().stream().map(Sampler::a1111Name).collect(Collectors.joining(" or ")));
    }
    if (doc.steps() != null) {
      parts.add("steps " + doc.steps());
    }
    if (doc.cfgScale() != null) {
      parts.add("CFG " + doc.cfgScale());
    }
    if (doc.clipSkip() != null) {
      parts.add("clip skip " + doc.clipSkip());
    }
    if (doc.width() != null) {
      parts.add("size " + doc.width() + "x" + doc.height());
    }
    if (doc.hires()) {
      parts.add("hires fix recommended");
    }
    if (!doc.triggerWords().isEmpty()) {
      parts.add("trigger words " + String.join(", ", doc.triggerWords()));
    }
    return parts.isEmpty() ? "no recommended settings found" : "the author recommends " + String.join("; ", parts);
  }

  /** Number formatting shared with the schema's messages. */
  static final class ParamSchemaFormat {
    private ParamSchemaFormat() {}

    static String num(double v) {
      return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
  }
}
