package io.chatgen.modeltoken.bench;

import io.chatgen.core.ChatRequest;
import io.chatgen.core.ModelCard;
import io.chatgen.core.ModelChoice;
import io.chatgen.core.RewrittenPrompt;
import io.chatgen.core.ScoredModel;
import io.chatgen.core.data.ChatSample;
import io.chatgen.core.data.Demonstration;
import io.chatgen.core.data.ReadMode;
import io.chatgen.core.rewrite.EmbeddedPromptRewriter;
import io.chatgen.core.text.KnnVote;
import io.chatgen.core.text.SparseVector;
import io.chatgen.core.text.TfIdf;
import io.chatgen.modeltoken.LabeledText;
import io.chatgen.modeltoken.ModelTokenSelector;
import io.chatgen.modeltoken.ModelTokenTrainer;
import io.chatgen.modeltoken.NewModel;
import io.chatgen.modeltoken.encoder.HashedTextEncoder;
import io.chatgen.modeltoken.tools.StarterData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Measures model selection on {@code chats.jsonl} (evaluation only: nothing here trains or tunes
 * on it): top-1 and top-5 of the shipped ModelToken selector, from the chat text (alone, and with
 * the embedded rewriter's prompt as the pipeline hands it to stage 2) and from the gold target prompt, on {@code test} and {@code test-fewshot} apart, beside two baselines fitted on
 * the same {@code train} split in the same run (TF-IDF nearest centroid; TF-IDF 10-nearest-
 * neighbour vote, similarity-weighted; and that vote over the memory the selector ships, train plus
 * the unverified demos of its models). A chat's gold model is its demo's model, for demos whose
 * model hash matches. Then times: training the starter vocabulary (same data and settings as the
 * shipped one), adding one model few-shot, and selection latency per request (encoding included).
 * Rows "among N installed" restrict the selector to each chat's gold model and N - 1 random others,
 * as a models folder does.
 *
 * <p>Run from the repository root (after {@code mvn -B -o -q -pl chatgen-modeltoken package
 * -DskipTests} and {@code dependency:build-classpath -Dmdep.outputFile=/tmp/mt.cp}): {@code java
 * -Xmx3g -cp chatgen-modeltoken/target/classes:$(cat /tmp/mt.cp)
 * io.chatgen.modeltoken.bench.SelectionEvaluation ../shared/civitai [--no-train]}.
 */
public final class SelectionEvaluation {
  private SelectionEvaluation() {}

  private record Case(String split, String chat, String target, long gold) {}

  /** A ranking method. */
  private interface Ranker {
    List<Long> rank(String text, int k);
  }

  public static void main(String[] args) {
    if (System.getProperty("ai.djl.offline") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
    Path folder = args.length > 0 && !args[0].startsWith("--") ? Path.of(args[0]) : StarterData.defaultFolder();
    boolean timeTraining = !Arrays.asList(args).contains("--no-train");
    StarterData d = StarterData.read(folder);
    Map<Long, Demonstration> demos = d.demoByImage();
    List<Case> cases = new ArrayList<>();
    for (ChatSample c : ChatSample.read(folder.resolve("chats.jsonl"), ReadMode.STRICT).records()) {
      Demonstration dm = demos.get(c.imageId());
      if (dm != null && dm.modelHashMatches() && (dm.split().equals("test") || dm.split().equals("test-fewshot"))) {
        cases.add(new Case(dm.split(), c.chat(), dm.prompt(), dm.modelId()));
      }
    }
    System.out.printf("%d evaluation chats (%d test, %d test-fewshot); %d train demos over %d models%n", cases.size(),
        cases.stream().filter(c -> c.split.equals("test")).count(),
        cases.stream().filter(c -> c.split.equals("test-fewshot")).count(), d.train().size(), d.cards().size());

    // baselines on the train split
    List<Demonstration> train = d.train();
    TfIdf tfidf = TfIdf.fit(train, 1, true, Demonstration::prompt);
    List<SparseVector> trainVecs = train.stream().map(t -> tfidf.transform(t.prompt())).toList();
    Map<Long, Map<Integer, Float>> sums = new LinkedHashMap<>();
    for (int i = 0; i < train.size(); i++) {
      Map<Integer, Float> s = sums.computeIfAbsent(train.get(i).modelId(), k -> new HashMap<>());
      SparseVector v = trainVecs.get(i);
      for (int k = 0; k < v.size(); k++) {
        s.merge(v.indices()[k], v.values()[k], Float::sum);
      }
    }
    List<Long> centroidIds = new ArrayList<>(sums.keySet());
    List<SparseVector> centroids = centroidIds.stream().map(id -> normalised(sums.get(id))).toList();
    Ranker centroid = (text, k) -> {
      SparseVector q = tfidf.transform(text);
      double[] s = new double[centroids.size()];
      for (int i = 0; i < s.length; i++) {
        s[i] = q.dot(centroids.get(i));
      }
      return topIds(s, centroidIds, k);
    };
    Ranker knn = knn(train, trainVecs, tfidf);
    // the same vote over what the shipped memory remembers (train + the unverified demos of the
    // vocabulary's models): how much of the selector's lead is the extra data alone
    List<Demonstration> remembered = d.memoryDemosWithUnverified(false);
    Ranker knnRemembered = knn(remembered, remembered.stream().map(t -> tfidf.transform(t.prompt())).toList(), tfidf);

    try (ModelTokenSelector selector = ModelTokenSelector.builder().optSafeMode(false).optTopK(5).build();
        ModelTokenSelector safe = ModelTokenSelector.builder().optTopK(5).build()) {
      System.out.println("selector: " + selector.describe());
      Ranker mt = (text, k) -> selector.select(ChatRequest.of(text), new RewrittenPrompt(text, "")).ranked().stream()
          .limit(k).map(s -> s.model().id()).toList();
      Ranker mtSafe = (text, k) -> safe.select(ChatRequest.of(text), new RewrittenPrompt(text, "")).ranked().stream()
          .limit(k).map(s -> s.model().id()).toList();
      // the pipeline hands stage 2 the rewritten prompt too: the embedded rewriter's output
      EmbeddedPromptRewriter rewriter = EmbeddedPromptRewriter.create();
      Map<String, String> rewrites = new HashMap<>();
      java.util.function.Function<String, RewrittenPrompt> rw = text -> new RewrittenPrompt(
          rewrites.computeIfAbsent(text, t -> rewriter.rewrite(ChatRequest.of(t)).prompt()), "");
      Ranker mtRewrite = (text, k) -> selector.select(ChatRequest.of(text), rw.apply(text)).ranked().stream()
          .limit(k).map(s -> s.model().id()).toList();
      Ranker knnRewrite = (text, k) -> knn.rank(ModelTokenSelector.queryText(ChatRequest.of(text), rw.apply(text)), k);
      Ranker knnRememberedRewrite = (text, k) -> knnRemembered.rank(
          ModelTokenSelector.queryText(ChatRequest.of(text), rw.apply(text)), k);
      Map<String, Ranker> methods = new LinkedHashMap<>();
      methods.put("TF-IDF nearest centroid", centroid);
      methods.put("TF-IDF kNN vote (k=10)", knn);
      methods.put("TF-IDF kNN vote (k=10), + rewrite", knnRewrite);
      methods.put("kNN, + rewrite, + unverified demos", knnRememberedRewrite);
      methods.put("ModelToken + memory", mt);
      methods.put("ModelToken + memory, + rewrite", mtRewrite);
      methods.put("ModelToken + memory, safe mode", mtSafe);
      System.out.println();
      System.out.printf("%-34s %-12s %-13s %7s %7s %5s%n", "method", "input", "split", "top-1", "top-5", "n");
      for (Map.Entry<String, Ranker> m : methods.entrySet()) {
        for (String input : List.of("chat", "target prompt")) {
          for (String split : List.of("test", "test-fewshot")) {
            row(m.getKey(), m.getValue(), cases, input, split);
          }
        }
      }

      for (int installed : new int[] {5, 20, 100}) {
        installedStudy(selector, rw, cases, installed);
      }

      // latency per request with its rewritten prompt, encoding included (after a warm-up pass)
      for (Case c : cases) {
        selector.select(ChatRequest.of(c.chat), rw.apply(c.chat));
      }
      double[] ms = new double[cases.size()];
      for (int i = 0; i < cases.size(); i++) {
        RewrittenPrompt rp = rw.apply(cases.get(i).chat);
        long t = System.nanoTime();
        selector.select(ChatRequest.of(cases.get(i).chat), rp);
        ms[i] = (System.nanoTime() - t) / 1e6;
      }
      Arrays.sort(ms);
      System.out.printf("%nselection latency per request: p50 %.3f ms, p90 %.3f ms (%d requests, CPU)%n",
          ms[ms.length / 2], ms[(int) (ms.length * 0.9)], ms.length);

      // few-shot expansion of one model: a new card with two example prompts
      ModelTokenTrainer trainer = ModelTokenTrainer.builder().build();
      Demonstration ex = train.get(0);
      ModelCard base = d.catalog().byId(ex.modelId()).orElseThrow();
      List<String> shots = train.stream().filter(t -> t.modelId() == ex.modelId()).limit(2)
          .map(Demonstration::prompt).toList();
      double[] add = new double[5];
      for (int i = 0; i < add.length; i++) {
        ModelCard fresh = new ModelCard(900_000_000L + i, 900_000_000L + i, base.name() + " copy " + i, base.base(),
            base.baseModel(), base.tags(), base.triggerWords(), "", base.files(), false, null);
        long t = System.nanoTime();
        try (ModelTokenSelector bigger = selector.expand(List.of(new NewModel(fresh, shots)), trainer)) {
          add[i] = (System.nanoTime() - t) / 1e6;
          if (bigger.vocabulary().size() != selector.vocabulary().size() + 1) {
            throw new IllegalStateException("expansion did not add the model");
          }
        }
      }
      Arrays.sort(add);
      System.out.printf("add one model few-shot (2 prompts, new selector included): median %.1f ms over %d runs%n",
          add[add.length / 2], add.length);
    }

    expansionStudy(d, cases);

    if (timeTraining) {
      List<LabeledText> pairs = d.pairs(false);
      HashedTextEncoder enc = HashedTextEncoder.embedded();
      long t = System.nanoTime();
      ModelTokenTrainer.builder().optSeed(42).build().train(d.cards(), pairs, enc, "timing run");
      System.out.printf("train the starter vocabulary (%d tokens, %d pairs, encoding included): %.1f s (1 run)%n",
          d.cards().size(), pairs.size(), (System.nanoTime() - t) / 1e9);
    }
  }

  /** TF-IDF k-nearest-neighbour vote (k=10, similarity-weighted) over demonstrations and their vectors. */
  private static Ranker knn(List<Demonstration> pool, List<SparseVector> vectors, TfIdf tfidf) {
    KnnVote vote = KnnVote.of(vectors, pool.stream().mapToLong(Demonstration::modelId).toArray());
    return (text, k) -> vote.ranked(tfidf.transform(text), 10, k);
  }

  private static void row(String name, Ranker ranker, List<Case> cases, String input, String split) {
    int n = 0;
    int h1 = 0;
    int h5 = 0;
    for (Case c : cases) {
      if (!c.split.equals(split)) {
        continue;
      }
      List<Long> r = ranker.rank(input.equals("chat") ? c.chat : c.target, 5);
      n++;
      h1 += !r.isEmpty() && r.get(0) == c.gold ? 1 : 0;
      h5 += r.contains(c.gold) ? 1 : 0;
    }
    System.out.printf("%-34s %-12s %-13s %7.3f %7.3f %5d%n", name, input, split, (double) h1 / n, (double) h5 / n, n);
  }

  /**
   * Selection among installed models (ModelTokenSelector.restrictedTo ends in such an allow-list):
   * each chat's gold model and {@code installed - 1} others drawn at random (fixed seed) from the
   * vocabulary, the chat with its rewritten prompt as input.
   */
  private static void installedStudy(ModelTokenSelector selector, java.util.function.Function<String, RewrittenPrompt> rw,
      List<Case> cases, int installed) {
    List<Long> ids = selector.vocabulary().cards().stream().map(ModelCard::id).toList();
    java.util.Random rnd = new java.util.Random(7);
    Map<String, int[]> hits = new TreeMap<>();
    for (Case c : cases) {
      if (selector.vocabulary().indexOf(c.gold).isEmpty()) {
        continue;
      }
      try (ModelTokenSelector local = selector.copySettings()
          .optAllowedModels(HeldOutInstalled.installedWith(c.gold, ids, installed, rnd)).build()) {
        List<Long> r = ids(local.select(ChatRequest.of(c.chat), rw.apply(c.chat)));
        int[] h = hits.computeIfAbsent(c.split, k -> new int[3]);
        h[0] += r.get(0) == c.gold ? 1 : 0;
        h[1] += r.contains(c.gold) ? 1 : 0;
        h[2]++;
      }
    }
    hits.forEach((split, h) -> System.out.printf("%-34s %-12s %-13s %7.3f %7.3f %5d%n",
        "among " + installed + " installed, + rewrite", "chat", split, (double) h[0] / h[2], (double) h[1] / h[2], h[2]));
  }

  /**
   * Online expansion: the models of test-fewshot are removed from the starter vocabulary and
   * memory, then added back online, zero-shot from their catalog card or few-shot from their two
   * train prompts, and their test-fewshot chats are scored. The other rows were trained while
   * these models were present, so this is close to, not exactly, a clean hold-out.
   */
  private static void expansionStudy(StarterData d, List<Case> cases) {
    java.util.Set<Long> fewshot = new java.util.TreeSet<>();
    for (Demonstration dm : d.demoByImage().values()) {
      if (dm.split().equals("test-fewshot")) {
        fewshot.add(dm.modelId());
      }
    }
    io.chatgen.modeltoken.StarterArtifacts starter = io.chatgen.modeltoken.StarterArtifacts.load();
    fewshot.removeIf(id -> starter.vocabulary().indexOf(id).isEmpty());
    ModelTokenTrainer trainer = ModelTokenTrainer.builder().build();
    List<NewModel> fewShots = new ArrayList<>();
    List<NewModel> zeroShots = new ArrayList<>();
    for (long id : fewshot) {
      List<String> shots = d.train().stream().filter(t -> t.modelId() == id).map(Demonstration::prompt).toList();
      fewShots.add(new NewModel(starter.vocabulary().byModelId(id).orElseThrow(), shots));
      zeroShots.add(NewModel.zeroShot(d.catalog().byId(id).orElseThrow()));
    }
    try (ModelTokenSelector reduced = ModelTokenSelector.builder()
        .optVocabulary(starter.vocabulary().without(fewshot)).optMemory(starter.memory().withoutModels(fewshot))
        .optSafeMode(false).optTopK(5).build()) {
      long t = System.nanoTime();
      try (ModelTokenSelector online = reduced.expand(fewShots, trainer)) {
        System.out.printf("%nonline expansion: %d test-fewshot models removed, then added back few-shot (%d prompts) "
            + "in %.1f s%n", fewshot.size(), fewShots.stream().mapToInt(n -> n.examples().size()).sum(),
            (System.nanoTime() - t) / 1e9);
        Ranker r = (text, k) -> online.select(ChatRequest.of(text), new RewrittenPrompt(text, "")).ranked().stream()
            .limit(k).map(s -> s.model().id()).toList();
        row("added online few-shot", r, cases, "chat", "test-fewshot");
        row("added online few-shot", r, cases, "target prompt", "test-fewshot");
      }
      try (ModelTokenSelector online = reduced.expand(zeroShots, trainer)) {
        Ranker r = (text, k) -> online.select(ChatRequest.of(text), new RewrittenPrompt(text, "")).ranked().stream()
            .limit(k).map(s -> s.model().id()).toList();
        row("added online zero-shot (card only)", r, cases, "chat", "test-fewshot");
        row("added online zero-shot (card only)", r, cases, "target prompt", "test-fewshot");
      }
    }
  }

  private static SparseVector normalised(Map<Integer, Float> sum) {
    TreeMap<Integer, Float> sorted = new TreeMap<>(sum);
    int[] ind = new int[sorted.size()];
    float[] val = new float[sorted.size()];
    double norm = 0;
    int k = 0;
    for (Map.Entry<Integer, Float> e : sorted.entrySet()) {
      ind[k] = e.getKey();
      val[k] = e.getValue();
      norm += (double) val[k] * val[k];
      k++;
    }
    float inv = norm > 0 ? (float) (1 / Math.sqrt(norm)) : 0f;
    for (int i = 0; i < val.length; i++) {
      val[i] *= inv;
    }
    return new SparseVector(ind, val);
  }

  private static List<Long> topIds(double[] s, List<Long> ids, int k) {
    Integer[] idx = new Integer[s.length];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = i;
    }
    Arrays.sort(idx, (a, b) -> Double.compare(s[b], s[a]));
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < k && i < idx.length; i++) {
      out.add(ids.get(idx[i]));
    }
    return out;
  }

  @SuppressWarnings("unused")
  private static List<Long> ids(ModelChoice c) {
    return c.ranked().stream().map(ScoredModel::model).map(ModelCard::id).toList();
  }
}
