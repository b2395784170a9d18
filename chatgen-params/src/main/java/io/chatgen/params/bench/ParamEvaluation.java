package io.chatgen.params.bench;

import io.chatgen.core.ChatRequest;
import io.chatgen.core.GenerationParams;
import io.chatgen.core.ModelCard;
import io.chatgen.core.ModelChoice;
import io.chatgen.core.Param;
import io.chatgen.core.RewrittenPrompt;
import io.chatgen.core.Sampler;
import io.chatgen.core.ScoredModel;
import io.chatgen.core.data.ChatSample;
import io.chatgen.core.data.Demonstration;
import io.chatgen.core.data.ModelCatalog;
import io.chatgen.core.data.ReadMode;
import io.chatgen.core.stage.ModelSelector;
import io.chatgen.core.stage.ParamConfigurator;
import io.chatgen.core.text.KnnVote;
import io.chatgen.core.text.SparseVector;
import io.chatgen.core.text.TfIdf;
import io.chatgen.params.InContextConfigurator;
import io.chatgen.params.resource.ParamResource;
import io.chatgen.params.resource.ParamResourceBuilder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Parameter accuracy on the Civitai chats: for each request, the parameters chosen are compared
 * with the demonstration it was written for (exact match per parameter, only where the
 * demonstration states it; samplers by canonical name via {@link Sampler#closest}), averaged over
 * sampler, steps, cfgScale, width, height and clipSkip. Also the baselines of the data's README
 * (global most used values, the gold model's most used values, a vote of the gold model's 3 train
 * demonstrations nearest to the chat by TF-IDF) and the configurator's latency.
 *
 * <p>The public methods let another runner (chatgen-bench) score any {@link ParamConfigurator}
 * with the gold model forced ({@link #evaluateGold}) or with the model any {@link ModelSelector}
 * chose ({@link #evaluateEndToEnd}).
 *
 * <pre>
 * java -Xmx2g -cp "chatgen-params/target/classes:$(cat chatgen-params/target/cp.txt)" \
 *   io.chatgen.params.bench.ParamEvaluation ../shared/civitai          # test and test-fewshot
 * java ... io.chatgen.params.bench.ParamEvaluation ../shared/civitai --tune   # chats-train, leave-one-out
 * java ... ParamEvaluation ../shared/civitai --tune --try=k=5,power=2 --try=k=10   # compare settings
 * </pre>
 *
 * The end-to-end figure of {@link #main} uses a stand-in selector built here (a TF-IDF k-nearest
 * neighbour vote over the train prompts, k=10, similarity-weighted), not the project's ModelToken
 * selector, which this module may not depend on.
 */
public final class ParamEvaluation {
  /** The scored parameters, in table order. */
  public static final List<Param> SCORED = List.of(Param.SAMPLER, Param.STEPS, Param.CFG_SCALE, Param.WIDTH,
      Param.HEIGHT, Param.CLIP_SKIP);

  private ParamEvaluation() {}

  /**
   * One request with its gold demonstration.
   *
   * @param chat the request
   * @param gold the demonstration it was written for
   */
  public record Case(ChatSample chat, Demonstration gold) {
    /** The request as one message. */
    public ChatRequest request() {
      return chat.singleRequest();
    }

    /** The split of the gold demonstration. */
    public String split() {
      return gold.split();
    }
  }

  /**
   * Parameters as predicted, unconstrained (a baseline may predict a width of 540).
   *
   * @param sampler the sampler, or null
   * @param steps steps, or null
   * @param cfgScale CFG, or null
   * @param width width, or null
   * @param height height, or null
   * @param clipSkip clip skip, or null
   */
  public record Prediction(@Nullable Sampler sampler, @Nullable Integer steps, @Nullable Double cfgScale,
      @Nullable Integer width, @Nullable Integer height, @Nullable Integer clipSkip) {
    /** From a plan. */
    public static Prediction of(GenerationParams p) {
      return new Prediction(p.sampler(), p.steps(), p.cfgScale(), p.width(), p.height(), p.clipSkip());
    }
  }

  /**
   * Accuracy per parameter and latency.
   *
   * @param cases requests scored
   * @param hits per parameter, exact matches
   * @param stated per parameter, requests whose gold demonstration states it
   * @param latencyMillis per request, configuration time in ms (empty when not measured)
   */
  public record Scores(int cases, Map<Param, Integer> hits, Map<Param, Integer> stated, double[] latencyMillis) {
    /** Exact-match accuracy of one parameter (NaN when never stated). */
    public double accuracy(Param p) {
      int n = stated.getOrDefault(p, 0);
      return n == 0 ? Double.NaN : hits.getOrDefault(p, 0) / (double) n;
    }

    /** The mean of the per-parameter accuracies. */
    public double mean() {
      return SCORED.stream().mapToDouble(this::accuracy).filter(d -> !Double.isNaN(d)).average().orElse(Double.NaN);
    }

    /** Median latency in ms (NaN when not measured). */
    public double latencyP50() {
      if (latencyMillis.length == 0) {
        return Double.NaN;
      }
      double[] s = latencyMillis.clone();
      Arrays.sort(s);
      return s[s.length / 2];
    }
  }

  /** Whether a prediction matches the gold demonstration for one parameter; null when the demo does not state it. */
  public static @Nullable Boolean matches(Param p, Prediction pred, Demonstration gold) {
    return switch (p) {
      case SAMPLER -> gold.samplerName() == null ? null
          : gold.sampler().isPresent() && gold.sampler().get() == pred.sampler();
      case STEPS -> gold.steps() == null ? null : gold.steps().equals(pred.steps());
      case CFG_SCALE -> gold.cfgScale() == null ? null
          : pred.cfgScale() != null && Math.abs(gold.cfgScale() - pred.cfgScale()) < 1e-6;
      case WIDTH -> gold.width() == null ? null : gold.width().equals(pred.width());
      case HEIGHT -> gold.height() == null ? null : gold.height().equals(pred.height());
      case CLIP_SKIP -> gold.clipSkip() == null ? null : gold.clipSkip().equals(pred.clipSkip());
      default -> null;
    };
  }

  /** Scores any predictor over cases. */
  public static Scores score(List<Case> cases, Function<Case, Prediction> predictor, boolean timed) {
    Map<Param, Integer> hits = new EnumMap<>(Param.class);
    Map<Param, Integer> stated = new EnumMap<>(Param.class);
    double[] lat = new double[timed ? cases.size() : 0];
    for (int i = 0; i < cases.size(); i++) {
      Case c = cases.get(i);
      long t0 = System.nanoTime();
      Prediction p = predictor.apply(c);
      if (timed) {
        lat[i] = (System.nanoTime() - t0) / 1e6;
      }
      for (Param q : SCORED) {
        Boolean m = matches(q, p, c.gold());
        if (m != null) {
          stated.merge(q, 1, Integer::sum);
          hits.merge(q, m ? 1 : 0, Integer::sum);
        }
      }
    }
    return new Scores(cases.size(), hits, stated, lat);
  }

  /** Scores a configurator with the gold model forced (timed: latency of {@code configure} alone). */
  public static Scores evaluateGold(ParamConfigurator configurator, List<Case> cases, ModelCatalog catalog) {
    return score(cases, c -> Prediction.of(configurator.configure(c.request(), promptOf(c.request()),
        ModelChoice.forced(goldCard(c, catalog))).params()), true);
  }

  /**
   * Scores a configurator end to end: the selector chooses the model, the configurator configures
   * for it; scored against the gold demonstration. {@code rewriter} supplies the prompt (e.g.
   * {@link #promptOf} to use the chat itself).
   */
  public static Scores evaluateEndToEnd(ParamConfigurator configurator, ModelSelector selector,
      Function<ChatRequest, RewrittenPrompt> rewriter, List<Case> cases) {
    return score(cases, c -> {
      RewrittenPrompt rp = rewriter.apply(c.request());
      return Prediction.of(configurator.configure(c.request(), rp, selector.select(c.request(), rp)).params());
    }, false);
  }

  /** The chat itself as the prompt (no rewriter in this module). */
  public static RewrittenPrompt promptOf(ChatRequest request) {
    String t = request.userText();
    return new RewrittenPrompt(t.length() > RewrittenPrompt.MAX_CHARS ? t.substring(0, RewrittenPrompt.MAX_CHARS) : t,
        "");
  }

  /**
   * The card of the checkpoint the gold demonstration was made with: its version (as the benchmark
   * in chatgen-bench scores it), else the model's newest version.
   */
  public static ModelCard goldCard(Case c, ModelCatalog catalog) {
    return catalog.byVersionId(c.gold().versionId()).or(() -> catalog.byId(c.gold().modelId()))
        .orElseThrow(() -> new io.chatgen.core.DataFormatException("model " + c.gold().modelId()
            + " of image " + c.gold().imageId() + " is not in the catalog"));
  }

  /** The card of the gold model's newest version, whichever version the demonstration used. */
  public static ModelCard newestVersionCard(Case c, ModelCatalog catalog) {
    return catalog.byId(c.gold().modelId()).orElseGet(() -> goldCard(c, catalog));
  }

  /** Joins chats with their gold demonstrations; chats whose demonstration is unknown are dropped. */
  public static List<Case> cases(List<ChatSample> chats, Collection<Demonstration> demos) {
    Map<Long, Demonstration> byImage = new HashMap<>();
    demos.forEach(d -> byImage.put(d.imageId(), d));
    List<Case> out = new ArrayList<>();
    for (ChatSample s : chats) {
      Demonstration d = byImage.get(s.imageId());
      if (d != null) {
        out.add(new Case(s, d));
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- baselines

  /** The most used value of each parameter over the demonstrations (clip skip: over those stating it). */
  public static Prediction mostUsed(Collection<Demonstration> demos) {
    return new Prediction(mode(demos, d -> d.sampler().orElse(null)), mode(demos, Demonstration::steps),
        mode(demos, Demonstration::cfgScale), mode(demos, Demonstration::width), mode(demos, Demonstration::height),
        mode(demos, Demonstration::clipSkip));
  }

  private static <T> @Nullable T mode(Collection<Demonstration> demos, Function<Demonstration, @Nullable T> f) {
    Map<T, Integer> counts = new LinkedHashMap<>();
    for (Demonstration d : demos) {
      T v = f.apply(d);
      if (v != null) {
        counts.merge(v, 1, Integer::sum);
      }
    }
    T best = null;
    int bc = 0;
    for (Map.Entry<T, Integer> e : counts.entrySet()) {
      if (e.getValue() > bc) {
        best = e.getKey();
        bc = e.getValue();
      }
    }
    return best;
  }

  /** Fills a prediction's gaps from a fallback. */
  static Prediction orElse(Prediction p, Prediction f) {
    return new Prediction(p.sampler() != null ? p.sampler() : f.sampler(), p.steps() != null ? p.steps() : f.steps(),
        p.cfgScale() != null ? p.cfgScale() : f.cfgScale(), p.width() != null ? p.width() : f.width(),
        p.height() != null ? p.height() : f.height(), p.clipSkip() != null ? p.clipSkip() : f.clipSkip());
  }

  /**
   * A TF-IDF k-nearest-neighbour model selector over train prompts (stand-in for the ModelToken
   * selector): models ranked by the {@link KnnVote} of the {@code k} prompts nearest to the chat,
   * each with its share of the vote; when no prompt shares a word with the chat, the model with the
   * most train demonstrations, with probability 0.
   */
  public static ModelSelector knnSelector(List<Demonstration> train, ModelCatalog catalog, TfIdf tfidf, int k) {
    return knnSelector(train, catalog, tfidf, KnnVote.of(train.stream().map(d -> tfidf.transform(d.prompt())).toList(),
        train.stream().mapToLong(Demonstration::modelId).toArray()), k, -1);
  }

  /** The same over a prepared vote, never voting with train demonstration {@code leftOut} (leave-one-out; -1: none). */
  static ModelSelector knnSelector(List<Demonstration> train, ModelCatalog catalog, TfIdf tfidf, KnnVote vote, int k,
      int leftOut) {
    Long mostUsed = mode(train, Demonstration::modelId);
    return (request, prompt) -> {
      Map<Long, Double> votes = vote.vote(tfidf.transform(request.userText()), k, leftOut);
      double total = votes.values().stream().mapToDouble(Double::doubleValue).sum();
      List<ScoredModel> ranked = new ArrayList<>();
      votes.forEach((id, v) -> catalog.byId(id).ifPresent(card -> ranked.add(new ScoredModel(card,
          Math.min(1, v / total)))));
      if (ranked.isEmpty() && mostUsed != null) {
        catalog.byId(mostUsed).ifPresent(card -> ranked.add(new ScoredModel(card, 0)));
      }
      return new ModelChoice(ranked, List.of("TF-IDF kNN stand-in selector"));
    };
  }

  // ---------------------------------------------------------------- command line

  public static void main(String[] args) {
    Path data = Path.of(args.length > 0 && !args[0].startsWith("--") ? args[0] : "../shared/civitai");
    boolean tune = Arrays.asList(args).contains("--tune");
    // --rewrite: the configurator hears the embedded rewriter's prompt, as in the pipeline, not the chat again
    Map<ChatRequest, RewrittenPrompt> rewritten = new HashMap<>();
    io.chatgen.core.rewrite.EmbeddedPromptRewriter rewriter = Arrays.asList(args).contains("--rewrite")
        ? io.chatgen.core.rewrite.EmbeddedPromptRewriter.create() : null;
    Function<ChatRequest, RewrittenPrompt> prompts = rewriter == null ? ParamEvaluation::promptOf
        : r -> rewritten.computeIfAbsent(r, rewriter::rewrite);
    ModelCatalog catalog = ModelCatalog.readJsonl(data.resolve("models.jsonl"), ReadMode.STRICT);
    List<Demonstration> all = Demonstration.read(data.resolve("demos.jsonl"), ReadMode.LENIENT).records();
    List<Demonstration> train = all.stream().filter(d -> d.split().equals("train")).toList();
    Map<Long, List<Demonstration>> trainByModel = new HashMap<>();
    train.forEach(d -> trainByModel.computeIfAbsent(d.modelId(), k -> new ArrayList<>()).add(d));
    Prediction global = mostUsed(train);
    TfIdf tfidf = TfIdf.fit(train, 1, false, Demonstration::prompt);
    List<SparseVector> vectors = train.stream().map(d -> tfidf.transform(d.prompt())).toList();
    KnnVote knn = KnnVote.of(vectors, train.stream().mapToLong(Demonstration::modelId).toArray());
    Map<Long, SparseVector> vecByImage = new HashMap<>();
    Map<Long, Integer> trainIndex = new HashMap<>();
    for (int i = 0; i < train.size(); i++) {
      vecByImage.put(train.get(i).imageId(), vectors.get(i));
      trainIndex.put(train.get(i).imageId(), i);
    }

    Map<String, List<Case>> sets = new LinkedHashMap<>();
    if (tune) {
      List<Case> ct = cases(ChatSample.read(data.resolve("chats-train.jsonl"), ReadMode.STRICT).records(), train);
      sets.put("chats-train (leave-one-out)", ct);
      // the test split's models have at least 10 demos; most chats-train models have 1-3
      sets.put("chats-train, models with >= 10 train demos (leave-one-out)", ct.stream()
          .filter(c -> trainByModel.getOrDefault(c.gold().modelId(), List.of()).size() >= 10).toList());
      // test-fewshot's models have 2 train demos: here one is left out, so 2-3 is the nearest match
      sets.put("chats-train, models with 2-3 train demos (leave-one-out)", ct.stream()
          .filter(c -> trainByModel.getOrDefault(c.gold().modelId(), List.of()).size() / 2 == 1).toList());
    } else {
      List<Case> cs = cases(ChatSample.read(data.resolve("chats.jsonl"), ReadMode.STRICT).records(), all);
      sets.put("test", cs.stream().filter(c -> c.split().equals("test")).toList());
      sets.put("test-fewshot", cs.stream().filter(c -> c.split().equals("test-fewshot")).toList());
    }
    long t0 = System.nanoTime();
    // the configurator's knowledge: train and unverified demos, as ParamResourceBuilder ships it
    ParamResource shipped = tune ? ParamResource.build(ParamResourceBuilder.knowledge(all), catalog.models(), false)
        : ParamResource.loadShipped();
    System.out.printf("resource: %s (loaded in %.0f ms)%n", shipped.provenance(), (System.nanoTime() - t0) / 1e6);
    InContextConfigurator embedded = InContextConfigurator.builder().resource(shipped).build();

    for (Map.Entry<String, List<Case>> set : sets.entrySet()) {
      List<Case> cases = set.getValue();
      Function<Case, List<Demonstration>> goldTrain = c -> trainByModel.getOrDefault(c.gold().modelId(), List.of())
          .stream().filter(d -> d.imageId() != c.gold().imageId()).toList();
      Map<String, Scores> rows = new LinkedHashMap<>();
      rows.put("global most used", score(cases, c -> global, false));
      rows.put("gold model most used", score(cases, c -> orElse(mostUsed(goldTrain.apply(c)), global), false));
      rows.put("gold model 3-NN TF-IDF vote", score(cases, c -> {
        SparseVector q = tfidf.transform(c.request().userText());
        List<Demonstration> ds = new ArrayList<>(goldTrain.apply(c));
        ds.sort(Comparator.comparingDouble(d -> -q.dot(vecByImage.get(d.imageId()))));
        return orElse(mostUsed(ds.subList(0, Math.min(3, ds.size()))), global);
      }, false));
      if (tune) {
        for (String setting : settings(args)) {
          Function<Case, InContextConfigurator> loo = c -> configure(InContextConfigurator.builder(), setting)
              .resource(shipped.without(Set.of(c.gold().imageId()))).build();
          rows.put("e2e LOO " + setting, score(cases, c -> {
            ModelSelector selector = knnSelector(train, catalog, tfidf, knn, 10,
                trainIndex.getOrDefault(c.gold().imageId(), -1));
            RewrittenPrompt rp = prompts.apply(c.request());
            return Prediction.of(loo.apply(c).configure(c.request(), rp, selector.select(c.request(), rp)).params());
          }, false));
          Map<String, Function<Case, ModelCard>> cards = new LinkedHashMap<>();
          cards.put("in-context LOO ", c -> goldCard(c, catalog));
          cards.put("in-context LOO, newest version ", c -> newestVersionCard(c, catalog));
          cards.forEach((label, card) -> rows.put(label + setting, score(cases, c -> Prediction.of(loo.apply(c)
              .configure(c.request(), prompts.apply(c.request()), ModelChoice.forced(card.apply(c))).params()),
              false)));
        }
      } else {
        // warm up the JIT so the latency is the steady state a server sees
        evaluateGold(embedded, cases.subList(0, Math.min(50, cases.size())), catalog);
        rows.put("in-context (gold model)", evaluateGold(embedded, cases, catalog));
        rows.put("in-context (gold model, verified demos only)", score(cases, c -> Prediction.of(
            InContextConfigurator.builder().resource(shipped).unverifiedWeight(0).build().configure(c.request(),
                promptOf(c.request()), ModelChoice.forced(goldCard(c, catalog))).params()), false));
        rows.put("in-context (gold model, newest version)", score(cases, c -> Prediction.of(embedded.configure(
            c.request(), promptOf(c.request()), ModelChoice.forced(newestVersionCard(c, catalog))).params()), false));
        ModelSelector selector = knnSelector(train, catalog, tfidf, knn, 10, -1);
        rows.put("in-context (kNN stand-in selector)", evaluateEndToEnd(embedded, selector,
            ParamEvaluation::promptOf, cases));
      }
      print(set.getKey(), cases.size(), rows);
    }
  }

  /** "--try=k=5,power=2 --try=k=10" gives settings to compare in tune mode; none means the defaults. */
  private static List<String> settings(String[] args) {
    List<String> out = new ArrayList<>();
    for (String a : args) {
      if (a.startsWith("--try=")) {
        out.add(a.substring(6));
      }
    }
    return out.isEmpty() ? List.of("defaults") : out;
  }

  private static InContextConfigurator.Builder configure(InContextConfigurator.Builder b, String setting) {
    for (String kv : setting.split(",")) {
      String[] p = kv.split("=");
      if (p.length != 2) {
        continue;
      }
      double v = Double.parseDouble(p[1]);
      switch (p[0]) {
        case "k" -> b.k((int) v);
        case "power" -> b.power(v);
        case "doc" -> b.docWeight(v);
        case "similar" -> b.similarWeight(v);
        case "minDemos" -> b.minDemos((int) v);
        case "alt" -> b.alternatives(4, v);
        case "otherVersion" -> b.otherVersionWeight(v);
        case "hedge" -> b.hedge(v);
        case "spread" -> b.spreadWeight(v);
        case "coupling" -> b.samplerCoupling(v);
        case "unverified" -> b.unverifiedWeight(v);
        default -> throw new IllegalArgumentException("unknown setting " + p[0]);
      }
    }
    return b;
  }

  private static void print(String title, int n, Map<String, Scores> rows) {
    System.out.printf("%n== %s: %d requests ==%n", title, n);
    StringBuilder h = new StringBuilder(String.format("%-40s", "method"));
    for (Param p : SCORED) {
      h.append(String.format(" %9s", p.jsonName()));
    }
    h.append(String.format(" %7s %9s", "mean", "p50 ms"));
    System.out.println(h);
    for (Map.Entry<String, Scores> e : rows.entrySet()) {
      StringBuilder b = new StringBuilder(String.format("%-40s", e.getKey()));
      for (Param p : SCORED) {
        b.append(String.format(" %9.4f", e.getValue().accuracy(p)));
      }
      double lat = e.getValue().latencyP50();
      b.append(String.format(" %7.4f %9s", e.getValue().mean(), Double.isNaN(lat) ? "-" : String.format("%.3f", lat)));
      System.out.println(b);
    }
  }
}
