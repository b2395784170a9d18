package io.chatgen.params;

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
import io.chatgen.core.stage.Described;
import io.chatgen.core.stage.ParamConfigurator;
import io.chatgen.core.text.SparseVector;
import io.chatgen.params.Retrieval.Neighbor;
import io.chatgen.params.WeightedVote.Ballot;
import io.chatgen.params.WeightedVote.Outcome;
import io.chatgen.params.doc.DocumentationExtractor;
import io.chatgen.params.doc.ModelDocumentation;
import io.chatgen.params.doc.Range;
import io.chatgen.params.resource.DemoRecord;
import io.chatgen.params.resource.ModelFacts;
import io.chatgen.params.resource.ParamResource;
import io.chatgen.params.resource.ParamResource.SimilarModel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * The embedded in-context configurator (ChatGen stage 3 without an LLM). For the chosen model it
 * retrieves the {@code k} demonstrations whose prompts are nearest to the request (chat and
 * rewritten prompt, by hashed TF-IDF cosine), and lets them vote with weight
 * {@code similarity^power}, together with the model's documentation; categorical values by
 * weighted vote, numbers by weighted vote or, when no value holds half the weight, the weighted
 * median (always a value people used). Models with fewer than {@code minDemos} demonstrations
 * also hear similar models (same creator, shared tags, same base), then the base architecture's
 * most used values. The chat's explicit wishes and the caller's {@link ParamOverrides} win;
 * {@link ParamSchema} clamps the result. Every value's reason names its sources (demonstrations
 * by image id, the documentation line, the wish).
 *
 * <p>Seeds: an explicit seed wins; otherwise the seed is derived from the request text
 * ({@link #deriveSeed}), so the same request gives the same plan, or a fixed seed when the builder
 * sets one.
 *
 * <pre>{@code
 * InContextConfigurator c = InContextConfigurator.shipped();            // no data files needed
 * ConfiguredParams p = c.configure(request, prompt, ModelChoice.forced(card));
 * InContextConfigurator mine = InContextConfigurator.builder()
 *     .demonstrations(trainDemos, catalog.models()).k(10).build();      // from your own data
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class InContextConfigurator implements ParamConfigurator, Described {
  private static final double BASE_MASS = 1e-3;
  private static final int SIMILAR_MODELS = 5;
  private static final int MIN_COMMON_USES = 10;

  private final ParamResource resource;
  private final int k;
  private final double power;
  private final int minDemos;
  private final double docWeight;
  private final double similarWeight;
  private final double otherVersionWeight;
  private final double unverifiedWeight;
  private final double hedge;
  private final double spreadWeight;
  private final double samplerCoupling;
  private final @Nullable Long fixedSeed;
  private final int alternatives;
  private final double alternativeWeight;
  private final DocumentationExtractor extractor = new DocumentationExtractor();
  private final Map<BaseArchitecture, BaseValues> baseValues;
  private final Map<Param, double[]> commonValues;

  private InContextConfigurator(Builder b, ParamResource resource) {
    this.resource = resource;
    this.k = b.k;
    this.power = b.power;
    this.minDemos = b.minDemos;
    this.docWeight = b.docWeight;
    this.similarWeight = b.similarWeight;
    this.otherVersionWeight = b.otherVersionWeight;
    this.unverifiedWeight = b.unverifiedWeight;
    this.hedge = b.hedge;
    this.spreadWeight = b.spreadWeight;
    this.samplerCoupling = b.samplerCoupling;
    this.fixedSeed = b.fixedSeed;
    this.alternatives = b.alternatives;
    this.alternativeWeight = b.alternativeWeight;
    this.baseValues = baseValues(resource);
    this.commonValues = commonValues(resource);
  }

  /** The default: the resource shipped in this jar, default settings. */
  public static InContextConfigurator shipped() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The resource this configurator consults. */
  public ParamResource resource() {
    return resource;
  }

  @Override
  public String describe() {
    return "InContextConfigurator k=" + k + " power=" + power + " otherVersionWeight=" + otherVersionWeight
        + " unverifiedWeight=" + unverifiedWeight + " hedge=" + hedge + " spreadWeight=" + spreadWeight
        + " samplerCoupling=" + samplerCoupling + " ("
        + resource.provenance() + ")";
  }

  @Override
  public ConfiguredParams configure(ChatRequest request, RewrittenPrompt prompt, ModelChoice choice) {
    return configure(request, prompt, choice, ParamOverrides.NONE);
  }

  /**
   * Configures with the caller's overrides, which win over everything.
   *
   * @throws InvalidRequestException when a wish in the chat or an override is impossible
   */
  public ConfiguredParams configure(ChatRequest request, RewrittenPrompt prompt, ModelChoice choice,
      ParamOverrides overrides) {
    ModelCard card = choice.model();
    ParamSchema schema = ParamSchema.forBase(card.base());
    overrides.check(schema);
    ChatWishes wishes = ChatWishes.parse(request.userText(), schema);
    // the request is vectorized once: the model's own demos, the runners-up and the hedge all rank by it
    SparseVector q = query(request, prompt);
    Retrieval r = retrieve(q, card);
    List<Weighted> others = new ArrayList<>(alternatives(q, choice));
    others.addAll(hedge(q, choice));
    return decide(r, others, schema, wishes, overrides, request.userText());
  }

  /**
   * The nearest demonstrations of the selector's runners-up, each with the mass of its probability
   * relative to the chosen model's: when the selector is unsure, values that the likely models
   * share win. A forced choice has no runners-up, so this is empty.
   */
  private List<Weighted> alternatives(SparseVector q, ModelChoice choice) {
    if (alternatives == 0 || alternativeWeight == 0 || choice.alternatives().isEmpty()) {
      return List.of();
    }
    double p0 = Math.max(choice.probability(), 1e-9);
    List<Weighted> out = new ArrayList<>();
    int n = 0;
    for (ScoredModel alt : choice.alternatives()) {
      if (n++ >= alternatives) {
        break;
      }
      List<DemoRecord> demos = resource.demosOf(alt.model().id());
      double mass = alternativeWeight * Math.min(1, alt.probability() / p0);
      String role = " of runner-up " + alt.model().name() + String.format(" (p=%.2f)", alt.probability());
      addEvidence(out, nearest(q, demos, demos.size(), demoWeights(alt.model(), demos)), mass,
          x -> role);
    }
    return out;
  }

  /**
   * When the selector is unsure, the k demonstrations nearest to the request, of any model, vote
   * with mass {@code hedge x (1 - p)} (p: the chosen model's probability): the settings used for
   * requests like this one, which a wrong choice of model does not change. A forced choice has p = 1.
   */
  private List<Weighted> hedge(SparseVector q, ModelChoice choice) {
    double mass = hedge * (1 - Math.min(1, Math.max(0, choice.probability())));
    if (!(mass > 0)) {
      return List.of();
    }
    List<Weighted> out = new ArrayList<>();
    String role = String.format(" of a request like this one (selection p=%.2f)", choice.probability());
    List<Neighbor> near = resource.nearest(q, k).stream()
        .map(h -> new Neighbor(h.demo(), h.similarity(), verifiedWeight(h.demo()))).toList();
    addEvidence(out, near, mass, x -> role);
    return out;
  }

  private SparseVector query(ChatRequest request, RewrittenPrompt prompt) {
    return resource.vectorizer().transform(request.userText() + "\n" + prompt.prompt());
  }

  /** The documentation of a model: the resource's facts when it knows the model, else read from the card. */
  public ModelDocumentation documentation(ModelCard card) {
    Optional<ModelFacts> f = resource.facts(card.id());
    // the resource's facts were read from the same catalog description: reading it again per request costs time
    if (f.isPresent()) {
      return f.get().documentation().withTriggerWords(card.triggerWords());
    }
    return extractor.extract(card);
  }

  /** Retrieves the documentation and the demonstrations nearest to a request for a model. */
  public Retrieval retrieve(ChatRequest request, RewrittenPrompt prompt, ModelCard card) {
    return retrieve(query(request, prompt), card);
  }

  private Retrieval retrieve(SparseVector q, ModelCard card) {
    List<DemoRecord> own = resource.demosOf(card.id());
    List<Neighbor> ownNeighbors = nearest(q, own, own.size(), demoWeights(card, own));
    List<SimilarModel> similar = List.of();
    List<Neighbor> similarNeighbors = List.of();
    if (own.size() < minDemos) {
      similar = resource.similarModels(card, SIMILAR_MODELS);
      List<DemoRecord> pool = new ArrayList<>();
      similar.forEach(s -> pool.addAll(resource.demosOf(s.facts().id())));
      similarNeighbors = nearest(q, pool, pool.size(), this::verifiedWeight);
    }
    return new Retrieval(card, documentation(card), ownNeighbors, own.size(), similar, similarNeighbors);
  }

  /**
   * How much each demonstration of a model counts for a card: 1 when made with the card's version
   * (or when no demonstration of that version is known), {@code otherVersionWeight} when made with
   * another version; times {@code unverifiedWeight} when the image's model hash did not match the
   * model's files. Versions of one model often change the settings their author recommends (a
   * new base, a distilled "turbo" version): on held-out train demos the most used values of the
   * demo's own version match 0.84 of the time against 0.77 for those of the whole model.
   */
  private ToDoubleFunction<DemoRecord> demoWeights(ModelCard card, List<DemoRecord> demos) {
    boolean versionKnown = otherVersionWeight != 1 && demos.stream().anyMatch(d -> d.versionId() == card.versionId());
    return d -> (versionKnown && d.versionId() != card.versionId() ? otherVersionWeight : 1.0) * verifiedWeight(d);
  }

  private double verifiedWeight(DemoRecord d) {
    return d.verified() ? 1.0 : unverifiedWeight;
  }

  /** The demos by their ballot (weight x similarity^power), best first; ties keep the resource's order. */
  private List<Neighbor> nearest(SparseVector q, List<DemoRecord> demos, int limit,
      ToDoubleFunction<DemoRecord> weight) {
    List<Neighbor> out = new ArrayList<>(demos.size());
    for (DemoRecord d : demos) {
      out.add(new Neighbor(d, Math.max(0, Math.min(1, q.dot(d.features()))), weight.applyAsDouble(d)));
    }
    // stable: equal ballots keep the resource's (chronological) order
    out.sort(Comparator.comparingDouble(this::ballot).reversed());
    return out.size() > limit ? out.subList(0, limit) : out;
  }

  /** Deterministic seed of a request: FNV-1a (64 bit) of its UTF-8 text, folded to 32 bits. */
  public static long deriveSeed(String text) {
    long h = 0xCBF29CE484222325L;
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xFF;
      h *= 0x100000001B3L;
    }
    return (h ^ (h >>> 32)) & GenerationParams.MAX_SEED;
  }

  // ---------------------------------------------------------------- deciding

  private record Size(int width, int height) {}

  /**
   * One source's ballot: a demo (own or of a similar model) with its weight and its role in the
   * vote (" of runner-up X (p=0.12)", empty for the chosen model's own).
   */
  private record Weighted(DemoRecord demo, double weight, String role) {
    /** How a reason names it: "image 12 of runner-up X (p=0.12)". */
    String label() {
      return "image " + demo.imageId() + role;
    }
  }

  private ConfiguredParams decide(Retrieval r, List<Weighted> runnersUp, ParamSchema schema, ChatWishes wishes,
      ParamOverrides overrides, String requestText) {
    ModelCard card = r.model();
    List<Weighted> evidence = new ArrayList<>();
    double ownMass = addEvidence(evidence, r.neighbors(), 1.0, n -> (n.demo().versionId() != card.versionId()
        && n.weight() < 1 ? " (made with version " + n.demo().versionId() + ")" : "")
        + (n.demo().verified() ? "" : " (unverified: made with another file)"));
    evidence.addAll(runnersUp);
    double simMass = 0;
    if (!r.similarNeighbors().isEmpty()) {
      Map<Long, SimilarModel> byId = new HashMap<>();
      r.similarModels().forEach(s -> byId.put(s.facts().id(), s));
      simMass = addEvidence(evidence, r.similarNeighbors(), ownMass > 0 ? similarWeight : 1.0, n -> {
        SimilarModel s = byId.get(n.demo().modelId());
        return " of similar model " + (s == null ? n.demo().modelId()
            : s.facts().name() + " (" + s.why() + ")");
      });
    }
    evidence = mergedByImage(evidence);
    ModelDocumentation doc = r.documentation();
    double docMass = docWeight * (r.ownDemos() >= minDemos ? 1 : ownMass > 0 ? 2 : 10);
    BaseValues base = baseValues.getOrDefault(card.base(), BaseValues.of(schema.defaults()));
    String baseLabel = base.label(card.base());
    Map<Param, String> why = new EnumMap<>(Param.class);

    // sampler
    WeightedVote<Sampler> sv = new WeightedVote<>();
    for (Weighted w : evidence) {
      if (w.demo().sampler() != null) {
        sv.add(w.demo().sampler(), w.weight(), w.label());
      }
    }
    doc.sampler().ifPresent(s -> sv.add(s, docMass, doc.source(Param.SAMPLER)));
    sv.add(base.sampler, BASE_MASS, baseLabel);
    Outcome<Sampler> so = sv.plurality().orElseThrow();
    Sampler sampler = so.value();
    Sampler votedSampler = sampler;
    why.put(Param.SAMPLER, explain(sampler.a1111Name(), so));

    // steps
    WeightedVote<Integer> stv = new WeightedVote<>();
    evidence.forEach(w -> {
      if (w.demo().steps() != null) {
        stv.add(w.demo().steps(), w.weight() * coupled(w, votedSampler), w.label());
      }
    });
    if (doc.steps() != null) {
      voteRange(stv, doc.steps(), docMass, doc.source(Param.STEPS), Param.STEPS, v -> (int) Math.round(v));
    }
    stv.add(base.steps, BASE_MASS, baseLabel);
    Outcome<Integer> sto = stv.numeric(Integer::doubleValue).orElseThrow();
    double steps = sto.value();
    why.put(Param.STEPS, explain(Integer.toString(sto.value()), sto));

    // cfg
    WeightedVote<Double> cv = new WeightedVote<>();
    evidence.forEach(w -> {
      if (w.demo().cfgScale() != null) {
        cv.add(w.demo().cfgScale(), w.weight(), w.label());
      }
    });
    if (doc.cfgScale() != null) {
      voteRange(cv, doc.cfgScale(), docMass, doc.source(Param.CFG_SCALE), Param.CFG_SCALE, v -> v);
    }
    cv.add(base.cfg, BASE_MASS, baseLabel);
    Outcome<Double> co = cv.numeric(Double::doubleValue).orElseThrow();
    double cfg = co.value();
    why.put(Param.CFG_SCALE, explain(ParamSchema.fmt(cfg), co));

    // clip skip: only demos that state it vote
    WeightedVote<Integer> clv = new WeightedVote<>();
    evidence.forEach(w -> {
      if (w.demo().clipSkip() != null) {
        clv.add(w.demo().clipSkip(), w.weight(), w.label());
      }
    });
    if (doc.clipSkip() != null) {
      clv.add(doc.clipSkip(), docMass, doc.source(Param.CLIP_SKIP));
    }
    clv.add(base.clipSkip, BASE_MASS, baseLabel);
    Outcome<Integer> clo = clv.plurality().orElseThrow();
    double clipSkip = clo.value();
    why.put(Param.CLIP_SKIP, explain(Integer.toString(clo.value()), clo));

    // size: width and height voted separately (each is scored on its own), then checked as a shape
    WeightedVote<Integer> wv = new WeightedVote<>();
    WeightedVote<Integer> hv = new WeightedVote<>();
    WeightedVote<Size> zv = new WeightedVote<>();
    evidence.forEach(w -> {
      if (w.demo().width() != null) {
        wv.add(w.demo().width(), w.weight(), w.label());
        hv.add(w.demo().height(), w.weight(), w.label());
        zv.add(new Size(w.demo().width(), w.demo().height()), w.weight(), w.label());
      }
    });
    if (doc.width() != null) {
      wv.add(doc.width(), docMass, doc.source(Param.WIDTH));
      hv.add(doc.height(), docMass, doc.source(Param.HEIGHT));
      zv.add(new Size(doc.width(), doc.height()), docMass, doc.source(Param.WIDTH));
    }
    wv.add(base.width, BASE_MASS, baseLabel);
    hv.add(base.height, BASE_MASS, baseLabel);
    zv.add(new Size(base.width, base.height), BASE_MASS, baseLabel);
    Outcome<Integer> wo = wv.plurality().orElseThrow();
    Outcome<Integer> ho = hv.plurality().orElseThrow();
    double width = wo.value();
    double height = ho.value();
    why.put(Param.WIDTH, explain(Integer.toString(wo.value()), wo));
    why.put(Param.HEIGHT, explain(Integer.toString(ho.value()), ho));

    // the chat's explicit wishes win over the vote
    if (wishes.sampler() != null) {
      sampler = wishes.sampler();
      why.put(Param.SAMPLER, sampler.a1111Name() + ": asked for in the chat (" + wishes.phrases().get(Param.SAMPLER)
          + ")");
    }
    if (wishes.steps() != null) {
      steps = wishes.steps();
      why.put(Param.STEPS, ParamSchema.fmt(steps) + ": asked for in the chat (" + wishes.phrases().get(Param.STEPS)
          + ")");
    } else if (wishes.stepsIntent() != null) {
      double voted = steps;
      steps = wishes.stepsIntent() == ChatWishes.StepsIntent.FEWER
          ? Math.min(voted, Math.max(10, 5 * Math.round(voted / 2 / 5)))
          : Math.max(voted + 10, 5 * Math.round(voted * 1.5 / 5));
      why.put(Param.STEPS, ParamSchema.fmt(steps) + ": " + (wishes.stepsIntent() == ChatWishes.StepsIntent.FEWER
          ? "fewer" : "more") + " than the " + ParamSchema.fmt(voted) + " the vote chose, as the chat asks ("
          + wishes.phrases().get(Param.STEPS) + ")");
    }
    if (wishes.cfgScale() != null) {
      cfg = wishes.cfgScale();
      why.put(Param.CFG_SCALE, ParamSchema.fmt(cfg) + ": asked for in the chat ("
          + wishes.phrases().get(Param.CFG_SCALE) + ")");
    }
    if (wishes.clipSkip() != null) {
      clipSkip = wishes.clipSkip();
      why.put(Param.CLIP_SKIP, ParamSchema.fmt(clipSkip) + ": asked for in the chat ("
          + wishes.phrases().get(Param.CLIP_SKIP) + ")");
    }
    if (wishes.width() != null && wishes.height() != null) {
      width = wishes.width();
      height = wishes.height();
      String w = ParamSchema.fmt(width) + "x" + ParamSchema.fmt(height) + ": asked for in the chat ("
          + wishes.phrases().get(Param.WIDTH) + ")";
      why.put(Param.WIDTH, w);
      why.put(Param.HEIGHT, w);
    } else if (wishes.orientation() != null
        && Orientation.of((int) width, (int) height) != wishes.orientation()) {
      Size s = sizeFor(wishes.orientation(), zv, card.base());
      width = s.width();
      height = s.height();
      String w = s.width() + "x" + s.height() + ": " + wishes.orientation().name().toLowerCase(java.util.Locale.ROOT)
          + " as the chat asks (" + wishes.phrases().get(Param.WIDTH) + "), " + (zv.weightOf(s) > BASE_MASS
          ? "a size this model's demonstrations use" : "from " + card.base().label() + "'s native resolutions");
      why.put(Param.WIDTH, w);
      why.put(Param.HEIGHT, w);
    } else if (wishes.orientation() != null) {
      // the vote already chose the wished shape: say that the wish was heard
      String heard = wishes.orientation().name().toLowerCase(java.util.Locale.ROOT) + " as the chat asks ("
          + wishes.phrases().get(Param.WIDTH) + ")";
      appendNote(why, Param.WIDTH, heard);
      appendNote(why, Param.HEIGHT, heard);
    }

    // the caller's overrides win over the chat
    if (overrides.sampler().isPresent()) {
      sampler = overrides.sampler().get();
      why.put(Param.SAMPLER, sampler.a1111Name() + ": set by the caller");
    }
    for (Param p : List.of(Param.STEPS, Param.CFG_SCALE, Param.CLIP_SKIP, Param.WIDTH, Param.HEIGHT)) {
      Optional<Double> o = overrides.number(p);
      if (o.isPresent()) {
        double v = o.get();
        switch (p) {
          case STEPS -> steps = v;
          case CFG_SCALE -> cfg = v;
          case CLIP_SKIP -> clipSkip = v;
          case WIDTH -> width = v;
          default -> height = v;
        }
        why.put(p, ParamSchema.fmt(v) + ": set by the caller");
      }
    }

    // seed
    long seed;
    if (overrides.number(Param.SEED).isPresent()) {
      seed = overrides.number(Param.SEED).get().longValue();
      why.put(Param.SEED, seed + ": set by the caller");
    } else if (wishes.seed() != null) {
      seed = wishes.seed().longValue();
      why.put(Param.SEED, seed + ": asked for in the chat (" + wishes.phrases().get(Param.SEED) + ")");
    } else if (fixedSeed != null) {
      seed = fixedSeed;
      why.put(Param.SEED, seed + ": the configurator's fixed seed");
    } else {
      seed = deriveSeed(requestText);
      why.put(Param.SEED, seed + ": derived from the request text (same request, same seed)");
    }

    // clamp everything into the architecture's schema, saying what changed
    ParamSchema.Clamped<Integer> st = schema.steps(steps);
    ParamSchema.Clamped<Double> cf = schema.cfgScale(cfg);
    ParamSchema.Clamped<Integer> cl = schema.clipSkip(clipSkip);
    ParamSchema.Clamped<Integer> w = schema.side(width, "width");
    ParamSchema.Clamped<Integer> h = schema.side(height, "height");
    appendNote(why, Param.STEPS, st.note());
    appendNote(why, Param.CFG_SCALE, cf.note());
    appendNote(why, Param.CLIP_SKIP, cl.note());
    appendNote(why, Param.WIDTH, w.note());
    appendNote(why, Param.HEIGHT, h.note());
    GenerationParams params = new GenerationParams(sampler, st.value(), cf.value(), cl.value(), w.value(), h.value(),
        seed, null);
    return schema.enforce(params, why);
  }

  /**
   * Adds neighbours' ballots: the k nearest by similarity^power, and all of them spreadWeight in all,
   * evenly; returns the mass added.
   */
  private double addEvidence(List<Weighted> out, List<Neighbor> ranked, double mass,
      Function<Neighbor, String> role) {
    if (ranked.isEmpty()) {
      return 0;
    }
    double[] w = new double[ranked.size()];
    double sum = 0;
    for (int i = 0; i < w.length; i++) {
      Neighbor n = ranked.get(i);
      w[i] = n.weight() * spreadWeight / w.length + (i < k ? ballot(n) : 0);
      sum += w[i];
    }
    if (!(sum > 0)) {
      // every demonstration weighs 0 (e.g. all unverified, with unverifiedWeight 0): no evidence
      return 0;
    }
    for (int i = 0; i < w.length; i++) {
      out.add(new Weighted(ranked.get(i).demo(), mass * w[i] / sum, role.apply(ranked.get(i))));
    }
    return mass;
  }

  /**
   * The evidence with one ballot per image: a demonstration of the chosen model that is also among
   * the requests like this one (the hedge), or a runner-up's that is too, votes once with the
   * weights summed and both labels ("image 12, also of a request like this one"), so that a reason
   * never names one image twice. Every vote's totals are unchanged (the votes are sums of these
   * weights) and each image keeps its first place.
   */
  private static List<Weighted> mergedByImage(List<Weighted> evidence) {
    Map<Long, Weighted> byImage = new LinkedHashMap<>();
    for (Weighted w : evidence) {
      byImage.merge(w.demo().imageId(), w, (a, b) -> new Weighted(a.demo(), a.weight() + b.weight(),
          a.role() + (a.role().isEmpty() ? ", also" : " and") + b.role()));
    }
    return byImage.size() == evidence.size() ? evidence : new ArrayList<>(byImage.values());
  }

  /** A neighbour's say among the k nearest: its weight times its similarity to the power (the nearest dominate). */
  private double ballot(Neighbor n) {
    return n.weight() * Math.pow(n.similarity(), power);
  }

  /**
   * A documented range votes for the values inside it that the evidence already uses, in
   * proportion to their weight; when none is used, for the common value nearest the middle.
   */
  private <T> void voteRange(WeightedVote<T> vote, Range range, double mass, String source, Param p,
      Function<Double, T> make) {
    Map<T, Double> inside = new TreeMap<>();
    Map<T, Double> all = vote.weights();
    double total = 0;
    for (Map.Entry<T, Double> e : all.entrySet()) {
      double v = ((Number) e.getKey()).doubleValue();
      if (range.contains(v)) {
        inside.put(e.getKey(), e.getValue());
        total += e.getValue();
      }
    }
    if (total > 0) {
      for (Map.Entry<T, Double> e : inside.entrySet()) {
        vote.add(e.getKey(), mass * e.getValue() / total, source);
      }
      return;
    }
    vote.add(make.apply(snap(range, p)), mass, source);
  }

  /** The value people use most often nearest the middle of a range (in the range when possible). */
  private double snap(Range range, Param p) {
    double[] common = commonValues.getOrDefault(p, new double[0]);
    double best = Double.NaN;
    for (double c : common) {
      if (range.contains(c) && (Double.isNaN(best) || Math.abs(c - range.mid()) < Math.abs(best - range.mid()))) {
        best = c;
      }
    }
    if (!Double.isNaN(best)) {
      return best;
    }
    return p == Param.STEPS ? Math.round(range.mid()) : Math.round(range.mid() * 2) / 2.0;
  }

  /** A size of the wished orientation: the heaviest such size in the vote, else from the base's native sides. */
  private static Size sizeFor(Orientation o, WeightedVote<Size> vote, BaseArchitecture base) {
    Size best = null;
    double bw = 0;
    for (Map.Entry<Size, Double> e : vote.weights().entrySet()) {
      if (Orientation.of(e.getKey().width(), e.getKey().height()) == o && e.getValue() > bw) {
        best = e.getKey();
        bw = e.getValue();
      }
    }
    if (best != null && bw > BASE_MASS) {
      return best;
    }
    int nat = base.nativeSide();
    int longSide = base.commonSides().stream().filter(s -> s >= nat * 1.4).findFirst().orElse(nat);
    return switch (o) {
      case SQUARE -> new Size(nat, nat);
      case PORTRAIT -> new Size(nat, longSide);
      case LANDSCAPE -> new Size(longSide, nat);
    };
  }

  /** A demonstration made with the chosen sampler weighs 1 + samplerCoupling in the steps vote. */
  private double coupled(Weighted w, Sampler chosen) {
    return w.demo().sampler() == chosen ? 1 + samplerCoupling : 1;
  }

  private static String explain(String value, Outcome<?> o) {
    StringBuilder b = new StringBuilder(value).append(": ");
    b.append(Math.round(o.share() * 100)).append("% of the weighted ").append(o.byMedian() ? "votes (median)" : "vote");
    List<Ballot> ballots = o.ballots();
    b.append(" from ");
    int shown = Math.min(3, ballots.size());
    for (int i = 0; i < shown; i++) {
      b.append(i == 0 ? "" : ", ").append(ballots.get(i).source());
    }
    if (ballots.size() > shown) {
      b.append(" and ").append(ballots.size() - shown).append(" more");
    }
    return b.toString();
  }

  private static void appendNote(Map<Param, String> why, Param p, @Nullable String note) {
    if (note != null) {
      why.merge(p, note, (a, c) -> a + "; " + c);
    }
  }

  // ---------------------------------------------------------------- statistics of the resource

  /** The most used values of one base architecture, the last fallback. */
  private record BaseValues(Sampler sampler, int steps, double cfg, int clipSkip, int width, int height, int demos) {
    static BaseValues of(GenerationParams d) {
      return new BaseValues(d.sampler(), d.steps(), d.cfgScale(), d.clipSkip(), d.width(), d.height(), 0);
    }

    String label(BaseArchitecture base) {
      return demos > 0 ? "the most used value over " + demos + " " + base.label() + " demonstrations"
          : base.label() + " defaults";
    }
  }

  private static Map<BaseArchitecture, BaseValues> baseValues(ParamResource resource) {
    Map<BaseArchitecture, List<DemoRecord>> byBase = new EnumMap<>(BaseArchitecture.class);
    for (DemoRecord d : resource.demos()) {
      resource.facts(d.modelId()).ifPresent(f -> byBase.computeIfAbsent(f.base(), b -> new ArrayList<>()).add(d));
    }
    Map<BaseArchitecture, BaseValues> out = new EnumMap<>(BaseArchitecture.class);
    for (BaseArchitecture b : BaseArchitecture.values()) {
      GenerationParams d = ParamSchema.forBase(b).defaults();
      List<DemoRecord> ds = byBase.getOrDefault(b, List.of());
      if (ds.size() < 20) {
        out.put(b, BaseValues.of(d));
        continue;
      }
      Sampler s = mode(ds, DemoRecord::sampler, d.sampler());
      int steps = mode(ds, DemoRecord::steps, d.steps());
      double cfg = mode(ds, DemoRecord::cfgScale, d.cfgScale());
      int clip = mode(ds, DemoRecord::clipSkip, d.clipSkip());
      Size size = mode(ds, x -> x.width() == null ? null : new Size(x.width(), x.height()),
          new Size(d.width(), d.height()));
      out.put(b, new BaseValues(s, steps, cfg, clip, size.width(), size.height(), ds.size()));
    }
    return out;
  }

  private static <T> T mode(List<DemoRecord> ds, Function<DemoRecord, @Nullable T> f, T fallback) {
    Map<T, Integer> counts = new HashMap<>();
    for (DemoRecord d : ds) {
      T v = f.apply(d);
      if (v != null) {
        counts.merge(v, 1, Integer::sum);
      }
    }
    return counts.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(fallback);
  }

  private static Map<Param, double[]> commonValues(ParamResource resource) {
    Map<Double, Integer> steps = new HashMap<>();
    Map<Double, Integer> cfg = new HashMap<>();
    for (DemoRecord d : resource.demos()) {
      if (d.steps() != null) {
        steps.merge(d.steps().doubleValue(), 1, Integer::sum);
      }
      if (d.cfgScale() != null) {
        cfg.merge(d.cfgScale(), 1, Integer::sum);
      }
    }
    Map<Param, double[]> out = new EnumMap<>(Param.class);
    out.put(Param.STEPS, common(steps, new double[] {20, 25, 30, 40, 50}));
    out.put(Param.CFG_SCALE, common(cfg, new double[] {5, 6, 7, 7.5, 8, 9, 10}));
    return out;
  }

  private static double[] common(Map<Double, Integer> counts, double[] fallback) {
    double[] c = counts.entrySet().stream().filter(e -> e.getValue() >= MIN_COMMON_USES)
        .mapToDouble(Map.Entry::getKey).sorted().toArray();
    return c.length == 0 ? fallback : c;
  }

  // ---------------------------------------------------------------- builder

  /** Configures an {@link InContextConfigurator}; every setting is optional. */
  public static final class Builder {
    private @Nullable ParamResource resource;
    private int k = 10;
    private double power = 3;
    private int minDemos = 1;
    private double docWeight = 0.1;
    private double similarWeight = 0.25;
    private double otherVersionWeight = 0.25;
    private double unverifiedWeight = 0.25;
    private double hedge = 4;
    private double spreadWeight = 0.01;
    private double samplerCoupling = 1;
    private @Nullable Long fixedSeed;
    private int alternatives = 4;
    private double alternativeWeight = 1.0;

    private Builder() {}

    /**
     * How many of the selector's runners-up also vote, each with its probability relative to the
     * chosen model's times {@code weight} (defaults 4 and 1.0; 0 turns this off). A forced
     * choice has no runners-up.
     */
    public Builder alternatives(int n, double weight) {
      if (n < 0 || n > 100 || !(weight >= 0 && weight <= 10)) {
        throw new InvalidRequestException("alternatives must be 0 to 100 with a weight from 0 to 10, got " + n
            + " and " + weight);
      }
      this.alternatives = n;
      this.alternativeWeight = weight;
      return this;
    }

    /** The knowledge to consult; default the shipped resource. */
    public Builder resource(ParamResource r) {
      this.resource = r;
      return this;
    }

    /**
     * Builds the knowledge from demonstrations (e.g. the {@code train} split of a file the caller
     * chose; every given demonstration is used) and model cards. Prompt texts are kept in memory
     * (never written) so an LLM prompt can quote retrieved examples.
     */
    public Builder demonstrations(Collection<Demonstration> demos, Collection<ModelCard> cards) {
      this.resource = ParamResource.build(demos, cards, true);
      return this;
    }

    /** How many nearest demonstrations vote (default 10). */
    public Builder k(int n) {
      this.k = n;
      return this;
    }

    /** Votes weigh similarity to this power (default 3: the nearest dominate). */
    public Builder power(double p) {
      this.power = p;
      return this;
    }

    /**
     * Below this many demonstrations of its own, a model also hears similar models (default 1: only
     * models without demonstrations; on held-out train chats, hearing similar models for models
     * with 1-4 demonstrations lowered accuracy).
     */
    public Builder minDemos(int n) {
      this.minDemos = n;
      return this;
    }

    /**
     * The documentation's weight relative to the model's demonstrations, which weigh 1 in all
     * (default 0.1; doubled for models with few demonstrations, tenfold for models with none).
     */
    public Builder docWeight(double w) {
      this.docWeight = w;
      return this;
    }

    /** Similar models' weight relative to the model's own demonstrations (default 0.25). */
    public Builder similarWeight(double w) {
      this.similarWeight = w;
      return this;
    }

    /**
     * How much a demonstration made with another version of the chosen model counts against one
     * made with the card's own version (default 0.25; 1 treats all versions alike, 0 hears other
     * versions only when the card's version has no demonstrations).
     */
    public Builder otherVersionWeight(double w) {
      if (!(w >= 0 && w <= 1)) {
        throw new InvalidRequestException("otherVersionWeight must be 0 to 1, was " + w);
      }
      this.otherVersionWeight = w;
      return this;
    }

    /**
     * How much a demonstration whose image was not made with the model's own file (its model hash
     * did not match: a merge, another version, a renamed copy) counts against a verified one
     * (default 0.25; 0 ignores them). The shipped resource holds both kinds.
     */
    public Builder unverifiedWeight(double w) {
      if (!(w >= 0 && w <= 1)) {
        throw new InvalidRequestException("unverifiedWeight must be 0 to 1, was " + w);
      }
      this.unverifiedWeight = w;
      return this;
    }

    /**
     * How much the demonstrations nearest to the request, of any model, vote when the selector is
     * unsure: {@code weight x (1 - p)} against the chosen model's own demonstrations' 1, where p
     * is the chosen model's probability (default 4; 0 turns this off; a forced choice has p = 1).
     * With a TF-IDF kNN selector on held-out train chats, 4 raised parameter accuracy with the
     * chosen model from 0.508 to 0.533 (0.579 to 0.608 for models with >= 10 demos).
     */
    public Builder hedge(double weight) {
      if (!(weight >= 0 && weight <= 100)) {
        throw new InvalidRequestException("hedge must be 0 to 100, was " + weight);
      }
      this.hedge = weight;
      return this;
    }

    /**
     * Besides the k nearest, every demonstration of a source votes with {@code weight} in all,
     * spread evenly (default 0.01). The k nearest vote with their similarity^power, which is
     * small when no demonstration is much like the request: then the model's most used values
     * decide. On held-out train chats (gold model, leave-one-out) 0.01 beat the former 0.001:
     * 0.8233 -> 0.8249 over all 1,145, 0.8620 -> 0.8700 for models with >= 10 demonstrations
     * (0.003: 0.8230; 0.02: 0.8231; 0.05: 0.8212).
     */
    public Builder spreadWeight(double weight) {
      if (!(weight >= 0 && weight <= 1)) {
        throw new InvalidRequestException("spreadWeight must be 0 to 1, was " + weight);
      }
      this.spreadWeight = weight;
      return this;
    }

    /**
     * How much more a demonstration made with the chosen sampler weighs in the steps vote (its
     * weight times 1 + coupling; default 1): how many steps people use depends on the sampler
     * (second-order and SDE samplers evaluate the model twice a step). On held-out train chats
     * (leave-one-out, 1,145 requests) coupling 1 moved steps accuracy 0.7771 -> 0.7823 with the
     * gold model (mean of the six 0.8249 -> 0.8257) and 0.3138 -> 0.3409 with the model a stand-in
     * selector chose (mean 0.5386 -> 0.5431); 3 gave 0.8256 / 0.5438; coupling the CFG vote as
     * well lost CFG accuracy (0.8164 -> 0.8138), so it is not coupled.
     */
    public Builder samplerCoupling(double coupling) {
      if (!(coupling >= 0 && coupling <= 100)) {
        throw new InvalidRequestException("samplerCoupling must be 0 to 100, was " + coupling);
      }
      this.samplerCoupling = coupling;
      return this;
    }

    /** Use this seed when the chat names none, instead of deriving one from the request. */
    public Builder fixedSeed(long seed) {
      if (seed < 0 || seed > GenerationParams.MAX_SEED) {
        throw new InvalidRequestException("fixedSeed must be 0 to " + GenerationParams.MAX_SEED + ", was " + seed);
      }
      this.fixedSeed = seed;
      return this;
    }

    public InContextConfigurator build() {
      if (k < 1 || k > 1000) {
        throw new InvalidRequestException("k must be 1 to 1000, was " + k);
      }
      if (!(power > 0 && power <= 20)) {
        throw new InvalidRequestException("power must be in (0, 20], was " + power);
      }
      if (minDemos < 0) {
        throw new InvalidRequestException("minDemos must be >= 0, was " + minDemos);
      }
      if (!(docWeight >= 0 && docWeight <= 100) || !(similarWeight >= 0 && similarWeight <= 100)) {
        throw new InvalidRequestException("docWeight and similarWeight must be 0 to 100, were " + docWeight + " and "
            + similarWeight);
      }
      return new InContextConfigurator(this, resource != null ? resource : ParamResource.loadShipped());
    }
  }
}
