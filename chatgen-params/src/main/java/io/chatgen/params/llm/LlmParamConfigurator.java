package io.chatgen.params.llm;

import io.chatgen.core.ChatRequest;
import io.chatgen.core.ConfiguredParams;
import io.chatgen.core.GenerationParams;
import io.chatgen.core.InvalidRequestException;
import io.chatgen.core.ModelCard;
import io.chatgen.core.ModelChoice;
import io.chatgen.core.Param;
import io.chatgen.core.RewrittenPrompt;
import io.chatgen.core.Sampler;
import io.chatgen.core.llm.EndpointException;
import io.chatgen.core.llm.LlmMessage;
import io.chatgen.core.llm.OpenAiChatClient;
import io.chatgen.core.stage.Described;
import io.chatgen.core.stage.ParamConfigurator;
import io.chatgen.params.ChatWishes;
import io.chatgen.params.InContextConfigurator;
import io.chatgen.params.ParamOverrides;
import io.chatgen.params.ParamSchema;
import io.chatgen.params.Retrieval;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * In-context configuration by an LLM: the embedded configurator's retrieval (documentation and
 * nearest demonstrations) is formatted as a prompt for an OpenAI-compatible chat-completion
 * endpoint (vLLM, Ollama, llama.cpp), the answer is parsed tolerantly ({@link LlmAnswer}),
 * validated and repaired: an unknown sampler becomes the nearest known name or the embedded
 * choice, out-of-range numbers are clamped by the {@link ParamSchema}, missing or unreadable
 * values come from the embedded configurator; each such repair is stated in the reasons. The
 * chat's explicit wishes and the caller's overrides still win.
 *
 * <p>Retrieved demonstrations appear with their prompt texts only when the embedded configurator
 * was built from the caller's own demonstrations ({@code InContextConfigurator.builder()
 * .demonstrations(...)}); the shipped resource has no texts, so then the examples show parameters
 * and similarity only.
 *
 * <p>When the endpoint fails (after the client's retries) the embedded configurator's plan is
 * returned with the failure in its reasons, unless {@link Builder#failOnEndpointError} is set.
 *
 * <pre>{@code
 * LlmParamConfigurator c = LlmParamConfigurator.builder()
 *     .client(OpenAiChatClient.builder().baseUrl("http://localhost:8000/v1").model("qwen2.5-7b-instruct").build())
 *     .build();
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class LlmParamConfigurator implements ParamConfigurator, Described {
  private static final Logger log = LoggerFactory.getLogger(LlmParamConfigurator.class);
  private static final Pattern NUMBER = Pattern.compile("-?\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?");

  private final OpenAiChatClient client;
  private final InContextConfigurator embedded;
  private final int examples;
  private final boolean failOnEndpointError;
  private final PromptFormatter formatter = new PromptFormatter();

  private LlmParamConfigurator(Builder b) {
    this.client = b.client;
    this.embedded = b.embedded != null ? b.embedded : InContextConfigurator.shipped();
    this.examples = b.examples;
    this.failOnEndpointError = b.failOnEndpointError;
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String describe() {
    return "LlmParamConfigurator " + client.model() + " at " + client.endpoint() + " with " + examples
        + " examples; fallback " + embedded.describe();
  }

  @Override
  public ConfiguredParams configure(ChatRequest request, RewrittenPrompt prompt, ModelChoice choice) {
    return configure(request, prompt, choice, ParamOverrides.NONE);
  }

  /** Configures with the caller's overrides, which win over the LLM and the chat. */
  public ConfiguredParams configure(ChatRequest request, RewrittenPrompt prompt, ModelChoice choice,
      ParamOverrides overrides) {
    ModelCard card = choice.model();
    ParamSchema schema = ParamSchema.forBase(card.base());
    // the embedded plan validates the wishes and overrides (throwing on impossible ones) and is the fallback
    ConfiguredParams fallback = embedded.configure(request, prompt, choice, overrides);
    ChatWishes wishes = ChatWishes.parse(request.userText(), schema);
    Retrieval r = embedded.retrieve(request, prompt, card);
    List<LlmMessage> messages = List.of(formatter.system(schema), formatter.user(r, request, prompt, examples));
    String answer;
    try {
      answer = client.complete(messages);
    } catch (EndpointException e) {
      if (failOnEndpointError) {
        throw e;
      }
      log.warn("LLM endpoint failed, using the embedded configurator: {}", e.getMessage());
      return withNote(fallback, "the LLM endpoint failed (" + e.getMessage() + "); embedded configurator used");
    }
    LlmAnswer parsed = LlmAnswer.parse(answer);
    if (parsed.values().isEmpty()) {
      return withNote(fallback, "the LLM answer had no readable parameters; embedded configurator used");
    }
    String by = "chosen by " + client.model() + " from the documentation and " + Math.min(examples,
        r.neighbors().isEmpty() ? r.similarNeighbors().size() : r.neighbors().size()) + " retrieved examples"
        + exampleIds(r);
    GenerationParams f = fallback.params();
    Map<Param, String> why = new EnumMap<>(Param.class);
    why.putAll(fallback.reasons());
    boolean fixedByUser = false;

    Sampler sampler = f.sampler();
    if (!explicit(Param.SAMPLER, wishes, overrides)) {
      String s = parsed.values().get(Param.SAMPLER);
      Optional<Sampler> known = s == null ? Optional.empty() : Sampler.find(s);
      if (known.isPresent()) {
        sampler = known.get();
        why.put(Param.SAMPLER, sampler.a1111Name() + ": " + by);
      } else if (s != null) {
        // a misspelling ("DPM++ 2M Karas") first, then a variant of a known name ("DPM++ 2M Karras v2")
        Sampler near = nearestSampler(s);
        if (near == null) {
          near = Sampler.closest(s).orElse(null);
        }
        if (near != null) {
          sampler = near;
          why.put(Param.SAMPLER, sampler.a1111Name() + ": the LLM answered unknown sampler \"" + abbreviate(s)
              + "\", repaired to the nearest known name");
        } else {
          why.put(Param.SAMPLER, fallback.reasons().get(Param.SAMPLER) + " (the LLM answered unknown sampler \""
              + abbreviate(s) + "\")");
        }
      }
    }
    int steps = number(Param.STEPS, parsed, wishes, overrides, f.steps(), why, by, v -> schema.steps(v));
    double cfg = number(Param.CFG_SCALE, parsed, wishes, overrides, f.cfgScale(), why, by, v -> schema.cfgScale(v));
    int clip = number(Param.CLIP_SKIP, parsed, wishes, overrides, f.clipSkip(), why, by, v -> schema.clipSkip(v));
    int width = number(Param.WIDTH, parsed, wishes, overrides, f.width(), why, by, v -> schema.side(v, "width"));
    int height = number(Param.HEIGHT, parsed, wishes, overrides, f.height(), why, by, v -> schema.side(v, "height"));
    GenerationParams out = new GenerationParams(sampler, steps, cfg, clip, width, height, f.seed(), null);
    return schema.enforce(out, why);
  }

  private interface Clamp<T> {
    ParamSchema.Clamped<T> apply(double v);
  }

  private static <T extends Number> T number(Param p, LlmAnswer a, ChatWishes wishes, ParamOverrides overrides,
      T fallback, Map<Param, String> why, String by, Clamp<T> clamp) {
    if (explicit(p, wishes, overrides)) {
      return fallback;
    }
    String raw = a.values().get(p);
    if (raw == null) {
      why.merge(p, "the LLM gave none", (x, y) -> x + " (" + y + ")");
      return fallback;
    }
    Matcher m = NUMBER.matcher(raw);
    double v = m.find() ? Double.parseDouble(m.group()) : Double.NaN;
    if (!Double.isFinite(v)) {
      why.put(p, fallback + ": the LLM answered \"" + abbreviate(raw) + "\", not a number; embedded value used");
      return fallback;
    }
    if (v < 0 && p != Param.SEED) {
      why.put(p, fallback + ": the LLM answered a negative value (" + abbreviate(raw) + "); embedded value used");
      return fallback;
    }
    ParamSchema.Clamped<T> c = clamp.apply(v);
    why.put(p, c.value() + ": " + by + (c.note() == null ? "" : "; repaired: " + c.note()));
    return c.value();
  }

  private static boolean explicit(Param p, ChatWishes wishes, ParamOverrides overrides) {
    boolean over = p == Param.SAMPLER ? overrides.sampler().isPresent() : overrides.number(p).isPresent();
    return over || wishes.phrases().containsKey(p);
  }

  /** The known sampler whose name is within a small edit distance of the answer, or null. */
  static @Nullable Sampler nearestSampler(String answered) {
    String a = answered.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9+]", "");
    Sampler best = null;
    int bestD = Integer.MAX_VALUE;
    for (Sampler s : Sampler.values()) {
      String n = s.a1111Name().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9+]", "");
      int d = levenshtein(a, n);
      if (d < bestD) {
        best = s;
        bestD = d;
      }
    }
    // up to a third of the name may be misspelt ("DPM++ 2M Karas", "Eular a")
    return best != null && bestD <= Math.max(1, a.length() / 3) ? best : null;
  }

  private static int levenshtein(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  private String exampleIds(Retrieval r) {
    List<Retrieval.Neighbor> n = r.neighbors().isEmpty() ? r.similarNeighbors() : r.neighbors();
    if (n.isEmpty()) {
      return "";
    }
    return " (images " + n.subList(0, Math.min(examples, n.size())).stream()
        .map(x -> Long.toString(x.demo().imageId())).collect(Collectors.joining(", ")) + ")";
  }

  private static ConfiguredParams withNote(ConfiguredParams c, String note) {
    Map<Param, String> why = new EnumMap<>(Param.class);
    why.putAll(c.reasons());
    for (Param p : List.of(Param.SAMPLER, Param.STEPS, Param.CFG_SCALE, Param.CLIP_SKIP, Param.WIDTH, Param.HEIGHT)) {
      why.merge(p, note, (a, b) -> a + " [" + b + "]");
    }
    return new ConfiguredParams(c.params(), why);
  }

  private static String abbreviate(String s) {
    String t = s.replaceAll("\\s+", " ").strip();
    return t.length() > 60 ? t.substring(0, 60) + "..." : t;
  }

  /** Configures an {@link LlmParamConfigurator}; {@link #client} is required. */
  public static final class Builder {
    private @Nullable OpenAiChatClient client;
    private @Nullable InContextConfigurator embedded;
    private int examples = 5;
    private boolean failOnEndpointError;

    private Builder() {}

    /** The chat-completion client (required). */
    public Builder client(OpenAiChatClient c) {
      this.client = c;
      return this;
    }

    /**
     * The embedded configurator used for retrieval and as the fallback; default the shipped one.
     * Build it from your own demonstrations to show their prompt texts to the LLM.
     */
    public Builder embedded(InContextConfigurator c) {
      this.embedded = c;
      return this;
    }

    /** How many retrieved demonstrations the prompt shows (default 5). */
    public Builder examples(int n) {
      this.examples = n;
      return this;
    }

    /** Throw the endpoint's error instead of falling back to the embedded configurator. */
    public Builder failOnEndpointError(boolean fail) {
      this.failOnEndpointError = fail;
      return this;
    }

    public LlmParamConfigurator build() {
      if (client == null) {
        throw new InvalidRequestException("an LLM configurator needs a client: "
            + "OpenAiChatClient.builder().baseUrl(...).model(...).build()");
      }
      if (examples < 0 || examples > 50) {
        throw new InvalidRequestException("examples must be 0 to 50, was " + examples);
      }
      return new LlmParamConfigurator(this);
    }
  }
}
