package io.chatgen.modeltoken.bench;

import io.chatgen.core.ChatRequest;
import io.chatgen.core.data.Demonstration;
import io.chatgen.core.rewrite.EmbeddedPromptRewriter;
import io.chatgen.core.text.KnnVote;
import io.chatgen.core.text.SparseVector;
import io.chatgen.core.text.TfIdf;
import io.chatgen.modeltoken.LabeledText;
import io.chatgen.modeltoken.ModelTokenTrainer;
import io.chatgen.modeltoken.ModelTokenVocabulary;
import io.chatgen.modeltoken.NeighbourMemory;
import io.chatgen.modeltoken.encoder.HashedTextEncoder;
import io.chatgen.modeltoken.tools.BuildStarterArtifacts;
import io.chatgen.modeltoken.tools.StarterData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Explores selection scoring variants on the held-out 30% of {@code chats-train} (never on
 * {@code chats.jsonl}): tokens trained without those chats and their demos, memory without their
 * demos, each chat weighted by its model's number of train demos. Prints weighted top-1 / top-5 of
 * neighbour-vote variants (k, similarity power, sum or max), a popularity prior, the token prior
 * and the rewritten prompt as a second query. {@code --with-unverified} also remembers the
 * {@code unverified} demos ({@link StarterData#memoryDemosWithUnverified}); {@code --no-tokens}
 * skips training the tokens.
 *
 * <p>Run from the repository root: {@code java -Xmx3g -cp chatgen-modeltoken/target/classes:$(cat
 * /tmp/mt.cp) io.chatgen.modeltoken.bench.HeldOutTuning ../shared/civitai}.
 */
public final class HeldOutTuning {
  private HeldOutTuning() {}

  public static void main(String[] args) {
    if (System.getProperty("ai.djl.offline") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
    Path folder = args.length > 0 && !args[0].startsWith("--") ? Path.of(args[0]) : StarterData.defaultFolder();
    boolean tokens = !java.util.Arrays.asList(args).contains("--no-tokens");
    StarterData d = StarterData.read(folder);
    HashedTextEncoder enc = HashedTextEncoder.embedded();
    List<LabeledText> held = d.heldOutChats();
    double[] w = d.heldOutWeights();
    List<Demonstration> memDemos = java.util.Arrays.asList(args).contains("--with-unverified")
        ? d.memoryDemosWithUnverified(true) : d.memoryDemos(true);
    NeighbourMemory mem = BuildStarterArtifacts.memory(enc, memDemos, List.of());
    int m = d.cards().size();
    Map<Long, Integer> index = new java.util.HashMap<>();
    for (int i = 0; i < m; i++) {
      index.put(d.cards().get(i).id(), i);
    }
    double[] logCount = new double[m];
    Map<Long, Integer> counts = mem.documentsPerModel();
    for (int i = 0; i < m; i++) {
      logCount[i] = Math.log(counts.getOrDefault(d.cards().get(i).id(), 0) + 1);
    }
    int n = held.size();
    int[] gold = new int[n];
    for (int i = 0; i < n; i++) {
      gold[i] = index.get(held.get(i).modelId());
    }
    EmbeddedPromptRewriter rw = EmbeddedPromptRewriter.create();
    int kmax = 100;
    int[][] nbModel = new int[n][];
    float[][] nbSim = new float[n][];
    int[][] rwModel = new int[n][];
    float[][] rwSim = new float[n][];
    int[][] cbModel = new int[n][];
    float[][] cbSim = new float[n][];
    for (int i = 0; i < n; i++) {
      String chat = held.get(i).text();
      fill(mem, enc.features(chat), kmax, index, nbModel, nbSim, i);
      String rp = rw.rewrite(ChatRequest.of(chat)).prompt();
      fill(mem, enc.features(rp.isBlank() ? chat : rp), kmax, index, rwModel, rwSim, i);
      fill(mem, enc.features(chat + "\n" + rp), kmax, index, cbModel, cbSim, i);
    }
    // core TfIdf kNN baseline on the same memory demos
    TfIdf tfidf = TfIdf.fit(memDemos, 1, true, Demonstration::prompt);
    KnnVote knn = KnnVote.of(memDemos.stream().map(t -> tfidf.transform(t.prompt())).toList(),
        memDemos.stream().mapToLong(Demonstration::modelId).toArray());
    double h1 = 0;
    double ws = 0;
    for (int i = 0; i < n; i++) {
      List<Long> best = knn.ranked(tfidf.transform(held.get(i).text()), 10, 1);
      h1 += !best.isEmpty() && best.get(0) == held.get(i).modelId() ? w[i] : 0;
      ws += w[i];
    }
    System.out.printf("held-out chats %d; core TF-IDF kNN(10) weighted top-1 %.3f%n", n, h1 / ws);

    double[][] lp = new double[n][];
    if (tokens) {
      ModelTokenVocabulary v = ModelTokenTrainer.builder().optSeed(42).build().train(d.cards(), d.pairs(true), enc,
          "tuning");
      float[] mat = v.matrix();
      for (int i = 0; i < m; i++) {
        if (v.card(i).id() != d.cards().get(i).id()) {
          throw new IllegalStateException("vocabulary order differs from the cards");
        }
      }
      int dim = v.dimension();
      for (int i = 0; i < n; i++) {
        float[] e = enc.encode(held.get(i).text());
        double[] l = new double[m];
        double mx = Double.NEGATIVE_INFINITY;
        for (int r = 0; r < m; r++) {
          double s = 0;
          for (int k = 0; k < dim; k++) {
            s += mat[r * dim + k] * e[k];
          }
          l[r] = s;
          mx = Math.max(mx, s);
        }
        double z = 0;
        for (int r = 0; r < m; r++) {
          z += Math.exp(l[r] - mx);
        }
        for (int r = 0; r < m; r++) {
          l[r] = l[r] - mx - Math.log(z);
        }
        lp[i] = l;
      }
    } else {
      for (int i = 0; i < n; i++) {
        lp[i] = new double[m];
      }
    }
    String[] queries = {"chat", "rewrite", "chat+rewrite text", "chat & rewrite votes"};
    int[] ks = {5, 10, 20, 50, 100};
    double[] ps = {1, 2, 4, 8};
    double[] eps = {1e-3, 1e-2, 0.1};
    double[] lambdas = tokens ? new double[] {0, 0.02, 0.05, 0.1, 0.2, 0.35, 0.5, 1} : new double[] {0};
    double[] alphas = {0, 0.1, 0.25, 0.5, 1};
    // per (case, lambda, alpha): the 110 best tokens by lambda * ln p_token + alpha * ln(demos + 1);
    // the best unvoted models are among them (at most 100 models are voted for)
    int keep = kmax + 10;
    int[][][][] topBase = new int[n][lambdas.length][alphas.length][];
    double[][][][] topVal = new double[n][lambdas.length][alphas.length][];
    Integer[] order = new Integer[m];
    double[] base = new double[m];
    for (int i = 0; i < n; i++) {
      for (int a = 0; a < lambdas.length; a++) {
        for (int b = 0; b < alphas.length; b++) {
          for (int r = 0; r < m; r++) {
            base[r] = lambdas[a] * lp[i][r] + alphas[b] * logCount[r];
            order[r] = r;
          }
          java.util.Arrays.sort(order, (x, y) -> Double.compare(base[y], base[x]));
          topBase[i][a][b] = new int[keep];
          topVal[i][a][b] = new double[keep];
          for (int j = 0; j < keep; j++) {
            topBase[i][a][b][j] = order[j];
            topVal[i][a][b][j] = base[order[j]];
          }
        }
      }
    }
    double[] vote = new double[m];
    List<String> lines = new ArrayList<>();
    for (int qv = 0; qv < queries.length; qv++) {
      for (int k : ks) {
        for (double p : ps) {
          for (int agg = 0; agg < 2; agg++) {
            for (double ep : eps) {
              for (int a = 0; a < lambdas.length; a++) {
                for (int b = 0; b < alphas.length; b++) {
                  double lam = lambdas[a];
                  double al = alphas[b];
                  double t1 = 0;
                  double t5 = 0;
                  for (int i = 0; i < n; i++) {
                    List<Integer> voted = new ArrayList<>();
                    double tot = 0;
                    for (int src = 0; src < 2; src++) {
                      if (src == 1 && qv < 3) {
                        break;
                      }
                      int[] mm = qv == 0 ? nbModel[i] : qv == 1 ? rwModel[i] : qv == 2 ? cbModel[i]
                          : src == 0 ? nbModel[i] : rwModel[i];
                      float[] ss = qv == 0 ? nbSim[i] : qv == 1 ? rwSim[i] : qv == 2 ? cbSim[i]
                          : src == 0 ? nbSim[i] : rwSim[i];
                      for (int j = 0; j < Math.min(k, mm.length); j++) {
                        if (mm[j] < 0) {
                          continue;
                        }
                        double c = Math.pow(ss[j], p);
                        if (vote[mm[j]] == 0) {
                          voted.add(mm[j]);
                        }
                        if (agg == 0) {
                          vote[mm[j]] += c;
                        } else {
                          vote[mm[j]] = Math.max(vote[mm[j]], c);
                        }
                      }
                    }
                    for (int r : voted) {
                      tot += vote[r];
                    }
                    double[] l = lp[i];
                    // candidate scores: voted models, then the best unvoted by base score
                    int g0 = gold[i];
                    double g = Math.log((vote[g0] > 0 ? vote[g0] / tot : 0) + ep) + lam * l[g0] + al * logCount[g0];
                    int better = 0;
                    for (int r : voted) {
                      double sc = Math.log(vote[r] / tot + ep) + lam * l[r] + al * logCount[r];
                      if (r != g0 && (sc > g || (sc == g && r < g0))) {
                        better++;
                      }
                    }
                    double le = Math.log(ep);
                    int[] tb = topBase[i][a][b];
                    double[] tvv = topVal[i][a][b];
                    for (int j = 0; j < tb.length && better < 5; j++) {
                      int r = tb[j];
                      if (vote[r] > 0 || r == g0) {
                        continue;
                      }
                      double sc = le + tvv[j];
                      if (sc > g || (sc == g && r < g0)) {
                        better++;
                      } else {
                        break;
                      }
                    }
                    for (int r : voted) {
                      vote[r] = 0;
                    }
                    t1 += better == 0 ? w[i] : 0;
                    t5 += better < 5 ? w[i] : 0;
                  }
                  lines.add(String.format("%.4f %.4f q=%s k=%d p=%.0f agg=%s eps=%.3f lambda=%.2f alpha=%.2f", t1 / ws,
                      t5 / ws, queries[qv], k, p, agg == 0 ? "sum" : "max", ep, lam, al));
                }
              }
            }
          }
        }
      }
    }
    lines.sort(java.util.Comparator.reverseOrder());
    lines.stream().limit(40).forEach(System.out::println);
    System.out.println("-- selected references");
    lines.stream().filter(s -> s.contains("q=chat k=10 p=1 agg=sum eps=0.010 lambda=0.00 alpha=0.00")
        || s.contains("q=chat k=10 p=1 agg=sum") && s.contains("alpha=0.00")).sorted(java.util.Comparator.reverseOrder())
        .limit(5).forEach(System.out::println);
    for (String q : queries) {
      lines.stream().filter(s -> s.contains("q=" + q + " ")).findFirst().ifPresent(s -> System.out.println("best " + s));
    }
    lines.stream().filter(s -> s.contains("lambda=0.00")).findFirst().ifPresent(s -> System.out.println("best no-token " + s));
    lines.stream().filter(s -> s.contains("alpha=0.00")).findFirst().ifPresent(s -> System.out.println("best no-prior " + s));
  }

  private static void fill(NeighbourMemory mem, SparseVector q, int k, Map<Long, Integer> index, int[][] models,
      float[][] sims, int i) {
    NeighbourMemory.Neighbours nb = q.size() == 0 ? new NeighbourMemory.Neighbours(new int[0], new float[0])
        : mem.nearest(q, k);
    models[i] = new int[nb.docs().length];
    for (int j = 0; j < nb.docs().length; j++) {
      models[i][j] = index.getOrDefault(mem.modelOf(nb.docs()[j]), -1);
    }
    sims[i] = nb.similarities();
  }
}
