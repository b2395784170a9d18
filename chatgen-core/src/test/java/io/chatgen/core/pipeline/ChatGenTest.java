package io.chatgen.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatgen.core.BaseArchitecture;
import io.chatgen.core.ChatGenException;
import io.chatgen.core.ChatRequest;
import io.chatgen.core.ConfiguredParams;
import io.chatgen.core.GeneratedImage;
import io.chatgen.core.GenerationCancelledException;
import io.chatgen.core.GenerationParams;
import io.chatgen.core.GenerationPlan;
import io.chatgen.core.MissingStageException;
import io.chatgen.core.ModelCard;
import io.chatgen.core.ModelChoice;
import io.chatgen.core.Param;
import io.chatgen.core.RewrittenPrompt;
import io.chatgen.core.ScoredModel;
import io.chatgen.core.Stage;
import io.chatgen.core.stage.ImageGenerator;
import io.chatgen.core.stage.InstalledModels;
import io.chatgen.core.stage.ModelSelector;
import io.chatgen.core.stage.ParamConfigurator;
import io.chatgen.core.stage.PromptRewriter;
import java.net.URL;
import java.net.URLClassLoader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ChatGenTest {
  private static final ModelCard ANIME = ModelCard.of(1, 11, "Anime", BaseArchitecture.SD_1);
  private static final ModelCard PHOTO = ModelCard.of(2, 22, "Photo", BaseArchitecture.SD_1);

  /** An empty class loader, so that no stage module is discovered. */
  private static final ClassLoader NOTHING = new URLClassLoader(new URL[0], null);

  private static final PromptRewriter REWRITER = r -> new RewrittenPrompt(
      "masterpiece, " + r.message().toLowerCase(Locale.ROOT), "lowres");
  private static final ModelSelector SELECTOR = (r, p) -> new ModelChoice(List.of(
      new ScoredModel(p.prompt().contains("anime") ? ANIME : PHOTO, 0.8),
      new ScoredModel(p.prompt().contains("anime") ? PHOTO : ANIME, 0.2)), List.of());
  private static final ParamConfigurator CONFIGURATOR = (r, p, c) -> new ConfiguredParams(
      GenerationParams.defaults().withSeed(r.message().length()).withSteps(c.model() == ANIME ? 28 : 20),
      java.util.Map.of(Param.STEPS, "fixed by the test"));

  private static ChatGen.Builder lambdas() {
    return ChatGen.builder().classLoader(NOTHING).rewriter(REWRITER).selector(SELECTOR).configurator(CONFIGURATOR);
  }

  @Test
  void runs_custom_stages_in_order_each_seeing_what_came_before() {
    GenerationPlan plan = lambdas().build().plan(ChatRequest.of("An ANIME girl"));
    assertThat(plan.prompt().prompt()).isEqualTo("masterpiece, an anime girl");
    assertThat(plan.model()).isEqualTo(ANIME);
    assertThat(plan.choice().alternatives()).extracting(ScoredModel::model).containsExactly(PHOTO);
    assertThat(plan.generationParams().steps()).isEqualTo(28);
    assertThat(plan.generationParams().seed()).isEqualTo(13);
    assertThat(plan.params().reasons()).containsEntry(Param.STEPS, "fixed by the test");
    assertThat(plan.timings()).containsKeys(Stage.REWRITE, Stage.SELECT, Stage.CONFIGURE);
    assertThat(plan.provenance()).containsEntry(Stage.SELECT, "custom stage (lambda)");
  }

  @Test
  void lets_the_rewriter_adapt_the_prompt_to_the_chosen_model() {
    PromptRewriter withTrigger = new PromptRewriter() {
      @Override
      public RewrittenPrompt rewrite(ChatRequest request) {
        return new RewrittenPrompt(request.message(), "");
      }

      @Override
      public RewrittenPrompt adaptToModel(RewrittenPrompt prompt, ModelCard model) {
        return new RewrittenPrompt(prompt.prompt() + ", by " + model.name(), prompt.negativePrompt());
      }
    };
    List<String> heard = new java.util.ArrayList<>();
    ParamConfigurator listening = (r, p, c) -> {
      heard.add(p.prompt());
      return CONFIGURATOR.configure(r, p, c);
    };
    GenerationPlan plan = lambdas().rewriter(withTrigger).configurator(listening).build()
        .plan(ChatRequest.of("anime cat"));
    assertThat(plan.prompt().prompt()).isEqualTo("anime cat, by Anime");
    // the configurator hears the prompt as the selector did, without the chosen model's words
    assertThat(heard).containsExactly("anime cat");
  }

  @Test
  void a_missing_stage_is_a_clear_error_naming_the_module_to_add() {
    assertThatThrownBy(() -> ChatGen.builder().classLoader(NOTHING).rewriter(REWRITER).configurator(CONFIGURATOR).build())
        .isInstanceOf(MissingStageException.class)
        .hasMessageContaining("SELECT")
        .hasMessageContaining("chatgen-modeltoken");
    ChatGen noGenerator = lambdas().build();
    assertThat(noGenerator.generator()).isEmpty();
    GenerationPlan plan = noGenerator.plan(ChatRequest.of("a cat"));
    assertThatThrownBy(() -> noGenerator.generate(plan))
        .isInstanceOf(MissingStageException.class).hasMessageContaining("chatgen-diffusion");
  }

  /** A generator that can draw only PHOTO (as if only its checkpoint were in its models folder). */
  private static final class OnlyPhotoInstalled implements ImageGenerator, InstalledModels {
    @Override
    public GeneratedImage generate(GenerationPlan plan, io.chatgen.core.stage.DenoisingProgress progress) {
      throw new UnsupportedOperationException("plans only");
    }

    @Override
    public Optional<InstalledModels> installedModels() {
      return Optional.of(this);
    }

    @Override
    public String where() {
      return "the test folder";
    }

    @Override
    public boolean isInstalled(ModelCard card) {
      return card.equals(PHOTO);
    }

    @Override
    public Found find(Collection<ModelCard> catalog) {
      return new Found(catalog.stream().filter(this::isInstalled).toList(), List.of());
    }
  }

  /** A selector that owns something to close, counting how often it is closed. */
  private static final class ClosingSelector implements ModelSelector, AutoCloseable {
    final AtomicInteger closed = new AtomicInteger();

    @Override
    public ModelChoice select(ChatRequest request, RewrittenPrompt prompt) {
      return SELECTOR.select(request, prompt);
    }

    @Override
    public void close() {
      closed.incrementAndGet();
    }
  }

  @Test
  void chooses_only_models_the_generator_has_installed_unless_told_otherwise() {
    ClosingSelector selector = new ClosingSelector();
    ChatGen restricted = lambdas().selector(selector).generator(new OnlyPhotoInstalled()).build();
    GenerationPlan plan = restricted.plan(ChatRequest.of("an anime girl"));
    assertThat(plan.model()).isEqualTo(PHOTO);
    assertThat(plan.choice().probability()).isEqualTo(1.0);
    assertThat(plan.choice().alternatives()).isEmpty();
    assertThat(plan.notes()).anySatisfy(n -> assertThat(n).contains("installed in the test folder"));
    assertThat(plan.provenance().get(Stage.SELECT)).contains("restricted to the models installed in the test folder");
    // a variant shares the restricted selector and does not wrap it again; closing either closes the original once
    ChatGen variant = restricted.toBuilder().build();
    assertThat(variant.selector()).isSameAs(restricted.selector());
    variant.close();
    assertThat(selector.closed).hasValue(1);

    ChatGen everything = lambdas().generator(new OnlyPhotoInstalled()).restrictToInstalled(false).build();
    assertThat(everything.plan(ChatRequest.of("an anime girl")).model()).isEqualTo(ANIME);

    ModelSelector onlyAnime = (r, p) -> new ModelChoice(List.of(new ScoredModel(ANIME, 1)), List.of());
    ChatGen none = lambdas().selector(onlyAnime).generator(new OnlyPhotoInstalled()).build();
    assertThatThrownBy(() -> none.plan(ChatRequest.of("a cat"))).isInstanceOf(ChatGenException.class)
        .hasMessageContaining("no model installed in the test folder").hasMessageContaining("Anime");
  }

  @Test
  void a_stage_returning_null_is_reported_not_passed_on() {
    ChatGen broken = lambdas().selector((r, p) -> null).build();
    assertThatThrownBy(() -> broken.plan(ChatRequest.of("a cat")))
        .isInstanceOf(ChatGenException.class).hasMessageContaining("SELECT").hasMessageContaining("returned null");
  }

  @Test
  void the_listener_sees_stages_and_steps_and_can_cancel() {
    List<String> events = Collections.synchronizedList(new ArrayList<>());
    ImageGenerator generator = (plan, progress) -> {
      for (int i = 1; i <= 3; i++) {
        if (progress.isCancelled()) {
          throw new GenerationCancelledException("cancelled at step " + i);
        }
        progress.onStep(i, 3);
      }
      return new GeneratedImage(plan, 1, 1, new int[] {0xFF0000}, plan.model(), Duration.ZERO, List.of());
    };
    PipelineListener listener = new PipelineListener() {
      @Override
      public void onStageStart(Stage stage) {
        events.add("start " + stage);
      }

      @Override
      public void onStageEnd(Stage stage, Duration took) {
        events.add("end " + stage);
      }

      @Override
      public void onStep(int step, int total) {
        events.add("step " + step + "/" + total);
      }

      @Override
      public boolean isCancelled() {
        return events.contains("step 2/3");
      }
    };
    ChatGen chatGen = lambdas().generator(generator).listener(listener).build();
    assertThatThrownBy(() -> chatGen.generate(ChatRequest.of("a cat")))
        .isInstanceOf(GenerationCancelledException.class).hasMessageContaining("step 3");
    assertThat(events).containsSubsequence("start REWRITE", "end REWRITE", "start SELECT", "end SELECT",
        "start CONFIGURE", "end CONFIGURE", "start GENERATE", "step 1/3", "step 2/3");
    assertThat(events).doesNotContain("step 3/3", "end GENERATE");
  }

  @Test
  void many_threads_sharing_one_pipeline_get_the_same_plans_as_one_thread() throws Exception {
    ChatGen chatGen = lambdas().build();
    List<ChatRequest> requests = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      requests.add(ChatRequest.of((i % 2 == 0 ? "anime " : "photo ") + "request number " + i));
    }
    List<GenerationPlan> sequential = requests.stream().map(chatGen::plan).toList();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<GenerationPlan>> futures = new ArrayList<>();
      for (ChatRequest r : requests) {
        futures.add(pool.submit(() -> chatGen.plan(r)));
      }
      for (int i = 0; i < requests.size(); i++) {
        GenerationPlan p = futures.get(i).get();
        assertThat(p.prompt()).isEqualTo(sequential.get(i).prompt());
        assertThat(p.choice()).isEqualTo(sequential.get(i).choice());
        assertThat(p.params()).isEqualTo(sequential.get(i).params());
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
