package io.chatgen.core.rewrite.bench;

import io.chatgen.core.ChatGenException;
import io.chatgen.core.ChatRequest;
import io.chatgen.core.RewrittenPrompt;
import io.chatgen.core.data.ChatSample;
import io.chatgen.core.data.Demonstration;
import io.chatgen.core.data.ReadMode;
import io.chatgen.core.llm.OpenAiChatClient;
import io.chatgen.core.rewrite.EmbeddedPromptRewriter;
import io.chatgen.core.rewrite.LlmPromptRewriter;
import io.chatgen.core.rewrite.PromptOverlap;
import io.chatgen.core.rewrite.RetrievalPromptRewriter;
import io.chatgen.core.rewrite.RewriteVocabulary;
import io.chatgen.core.stage.PromptRewriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Measures prompt rewriters on {@code chats.jsonl} against the prompt and negative prompt of the
 * demonstration each chat was written for, and prints one table: prompt word F1 and tag F1
 * ({@link PromptOverlap}), negative-prompt word F1 (over demos that have a negative prompt),
 * failures and latency, by group (all, test, test-fewshot, single, history, the same chats as
 * single messages, non-English). The raw chat text as the prompt with an empty negative prompt is
 * the baseline, in the same run.
 *
 * <p>From the repository root, after {@code mvn -B -o -q -pl chatgen-core install -DskipTests}:
 *
 * <pre>
 * java -cp chatgen-core/target/classes:$(ls ~/.m2/repository/com/google/code/gson/gson/2.13.1/gson-2.13.1.jar):$(ls ~/.m2/repository/org/slf4j/slf4j-api/2.0.17/slf4j-api-2.0.17.jar) \
 *   io.chatgen.core.rewrite.bench.RewriteEvaluation --shared ../shared
 * </pre>
 *
 * <p>Options: {@code --chats FILE} (default {@code civitai/chats.jsonl}); {@code --holdout-every N}
 * scores only every N-th chat (for development on {@code chats-train.jsonl} against a vocabulary
 * built with the same holdout); {@code --vocab FILE} another vocabulary; {@code --keep P},
 * {@code --style S}, {@code --map P}, {@code --single-word-leftovers} embedded settings; {@code
 * --retrieval S} adds the {@link io.chatgen.core.rewrite.RetrievalPromptRewriter} over the {@code
 * train} demonstrations (less those of the chats scored) from similarity S, {@code --retrieval-copy}
 * without the request's own tags; {@code --llm-url URL --llm-model NAME} adds the LLM rewriter.
 */
public final class RewriteEvaluation {
  private RewriteEvaluation() {}

  /** One scored request. */
  private record Row(ChatSample sample, String split, String kind, double wordF1, double tagF1,
      double negF1, boolean hasNeg, boolean failed, long nanos) {}

  public static void main(String[] args) {
    Path shared = Path.of(System.getProperty("chatgen.shared", "../shared"));
    Path chatsFile = null;
    Path vocabFile = null;
    int holdoutEvery = 0;
    EmbeddedPromptRewriter.Builder eb = EmbeddedPromptRewriter.builder();
    String llmUrl = null;
    String llmModel = null;
    double retrieval = -1;
    boolean retrievalCopy = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--shared" -> shared = Path.of(args[++i]);
        case "--chats" -> chatsFile = Path.of(args[++i]);
        case "--vocab" -> vocabFile = Path.of(args[++i]);
        case "--holdout-every" -> holdoutEvery = Integer.parseInt(args[++i]);
        case "--keep" -> eb.keepThreshold(Double.parseDouble(args[++i]));
        case "--style" -> eb.styleShare(Double.parseDouble(args[++i]));
        case "--map" -> eb.mapProbability(Double.parseDouble(args[++i]));
        case "--single-word-leftovers" -> eb.groupLeftovers(false);
        case "--split-function-words" -> eb.splitAtFunctionWords(true);
        case "--guess-family" -> eb.guessFamily(true);
        case "--profiles" -> eb.profileNeighbours(Integer.parseInt(args[++i]));
        case "--profile-share" -> eb.profileShare(Double.parseDouble(args[++i]));
        case "--profile-neg-share" -> eb.profileNegativeShare(Double.parseDouble(args[++i]));
        case "--no-profile-negatives" -> eb.profileNegatives(false);
        case "--min-profile-similarity" -> eb.minProfileSimilarity(Double.parseDouble(args[++i]));
        case "--min-tag-prompts" -> eb.minTagPrompts(Integer.parseInt(args[++i]));
        case "--retrieval" -> retrieval = Double.parseDouble(args[++i]);
        case "--retrieval-copy" -> retrievalCopy = true;
        case "--llm-url" -> llmUrl = args[++i];
        case "--llm-model" -> llmModel = args[++i];
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    if (chatsFile == null) {
      chatsFile = shared.resolve("civitai/chats.jsonl");
    }
    if (vocabFile != null) {
      eb.vocabulary(RewriteVocabulary.read(vocabFile));
    }
    Map<Long, Demonstration> demos = new HashMap<>();
    for (Demonstration d : Demonstration.read(shared.resolve("civitai/demos.jsonl"), ReadMode.LENIENT).records()) {
      demos.put(d.imageId(), d);
    }
    List<ChatSample> all = ChatSample.read(chatsFile, ReadMode.LENIENT).records();
    List<ChatSample> chats = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      if ((holdoutEvery <= 0 || i % holdoutEvery == 0) && demos.containsKey(all.get(i).imageId())) {
        chats.add(all.get(i));
      }
    }
    Map<String, PromptRewriter> rewriters = new LinkedHashMap<>();
    rewriters.put("raw chat (baseline)", r -> new RewrittenPrompt(r.userText(), ""));
    EmbeddedPromptRewriter embedded = eb.build();
    rewriters.put("embedded", embedded);
    if (retrieval >= 0) {
      // the train demonstrations, less those of the chats scored here (chats-train asks for train demos)
      Set<Long> scored = new HashSet<>();
      chats.forEach(c -> scored.add(c.imageId()));
      List<Demonstration> train = demos.values().stream()
          .filter(d -> d.split().equals("train") && !scored.contains(d.imageId()))
          .sorted(java.util.Comparator.comparingLong(Demonstration::imageId)).toList();
      rewriters.put("retrieval", RetrievalPromptRewriter.builder().demonstrations(train).base(embedded)
          .minSimilarity(retrieval).addRequestTags(!retrievalCopy).build());
    }
    if (llmUrl != null && llmModel != null) {
      rewriters.put("llm " + llmModel, LlmPromptRewriter.builder()
          .client(OpenAiChatClient.builder().baseUrl(llmUrl).model(llmModel).timeout(Duration.ofSeconds(60)).build())
          .build());
    }
    System.out.printf(Locale.ROOT, "%d chats from %s; %s%n", chats.size(), chatsFile, embedded.describe());
    System.out.printf(Locale.ROOT, "%-22s %-26s %5s %8s %8s %8s %6s %6s %8s %6s %9s %9s%n", "rewriter", "group", "n",
        "wordP", "wordR", "wordF1", "tagP", "tagR", "tagF1", "negF1", "failures", "p50 ms");
    for (Map.Entry<String, PromptRewriter> e : rewriters.entrySet()) {
      evaluate(e.getKey(), e.getValue(), chats, demos);
    }
  }

  private static void evaluate(String name, PromptRewriter rewriter, List<ChatSample> chats,
      Map<Long, Demonstration> demos) {
    // one untimed pass first, so that class loading and JIT do not count as latency
    for (ChatSample c : chats) {
      try {
        rewriter.rewrite(c.singleRequest());
      } catch (ChatGenException e) {
        // counted in the timed pass
      }
    }
    List<Row> rows = new ArrayList<>();
    List<double[]> wordPr = new ArrayList<>();
    for (ChatSample c : chats) {
      Demonstration d = demos.get(c.imageId());
      rows.add(score(rewriter, c, c.singleRequest(), "single", d, wordPr));
      Optional<ChatRequest> h = c.historyRequest();
      if (h.isPresent()) {
        rows.add(score(rewriter, c, h.get(), "history", d, wordPr));
      }
    }
    Map<String, Predicate<Row>> groups = new LinkedHashMap<>();
    groups.put("all single", r -> r.kind.equals("single"));
    groups.put("test (single)", r -> r.kind.equals("single") && r.split.equals("test"));
    groups.put("test-fewshot (single)", r -> r.kind.equals("single") && r.split.equals("test-fewshot"));
    groups.put("train (single)", r -> r.kind.equals("single") && r.split.equals("train"));
    groups.put("history", r -> r.kind.equals("history"));
    groups.put("same chats as single", r -> r.kind.equals("single") && r.sample.history().size() >= 2);
    groups.put("non-English (single)", r -> r.kind.equals("single") && r.sample.nonEnglish());
    for (Map.Entry<String, Predicate<Row>> g : groups.entrySet()) {
      List<Integer> idx = new ArrayList<>();
      for (int i = 0; i < rows.size(); i++) {
        if (g.getValue().test(rows.get(i))) {
          idx.add(i);
        }
      }
      if (idx.isEmpty()) {
        continue;
      }
      double wp = 0;
      double wr = 0;
      double wf = 0;
      double tp = 0;
      double tr = 0;
      double tf = 0;
      double nf = 0;
      int nNeg = 0;
      int failed = 0;
      long[] nanos = new long[idx.size()];
      for (int k = 0; k < idx.size(); k++) {
        Row r = rows.get(idx.get(k));
        wp += wordPr.get(idx.get(k))[0];
        wr += wordPr.get(idx.get(k))[1];
        tp += wordPr.get(idx.get(k))[2];
        tr += wordPr.get(idx.get(k))[3];
        wf += r.wordF1;
        tf += r.tagF1;
        if (r.hasNeg) {
          nf += r.negF1;
          nNeg++;
        }
        failed += r.failed ? 1 : 0;
        nanos[k] = r.nanos;
      }
      Arrays.sort(nanos);
      int n = idx.size();
      System.out.printf(Locale.ROOT, "%-22s %-26s %5d %8.4f %8.4f %8.4f %6.3f %6.3f %8.4f %6.4f %9d %9.3f%n", name,
          g.getKey(), n, wp / n, wr / n, wf / n, tp / n, tr / n, tf / n, nNeg == 0 ? Double.NaN : nf / nNeg, failed,
          nanos[n / 2] / 1e6);
    }
  }

  private static Row score(PromptRewriter rewriter, ChatSample c, ChatRequest req, String kind, Demonstration d,
      List<double[]> wordPr) {
    String neg = d.negativePrompt();
    boolean hasNeg = neg != null && !neg.isBlank();
    long t0 = System.nanoTime();
    RewrittenPrompt p;
    try {
      p = rewriter.rewrite(req);
    } catch (ChatGenException e) {
      long t = System.nanoTime() - t0;
      wordPr.add(new double[] {0, 0, 0, 0});
      return new Row(c, d.split(), kind, 0, 0, 0, hasNeg, true, t);
    }
    long t = System.nanoTime() - t0;
    PromptOverlap.Score w = PromptOverlap.words(p.prompt(), d.prompt());
    PromptOverlap.Score tags = PromptOverlap.tags(p.prompt(), d.prompt());
    wordPr.add(new double[] {w.precision(), w.recall(), tags.precision(), tags.recall()});
    double tag = tags.f1();
    double negF1 = hasNeg ? PromptOverlap.words(p.negativePrompt(), neg).f1() : 0;
    return new Row(c, d.split(), kind, w.f1(), tag, negF1, hasNeg, false, t);
  }
}
