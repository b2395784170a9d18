package io.chatgen.modeltoken.bench;

import io.chatgen.core.ChatRequest;
import io.chatgen.core.ModelCard;
import io.chatgen.core.rewrite.EmbeddedPromptRewriter;
import io.chatgen.modeltoken.Calibration;
import io.chatgen.modeltoken.LabeledText;
import io.chatgen.modeltoken.ModelTokenSelector;
import io.chatgen.modeltoken.ModelTokenTrainer;
import io.chatgen.modeltoken.ModelTokenVocabulary;
import io.chatgen.modeltoken.StarterArtifacts;
import io.chatgen.modeltoken.encoder.HashedTextEncoder;
import io.chatgen.modeltoken.tools.BuildStarterArtifacts;
import io.chatgen.modeltoken.tools.StarterData;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Selection among installed models on the held-out 30% of {@code chats-train} (never on
 * {@code chats.jsonl}), for choosing how a restricted selector scores: tokens trained and memory
 * built without the held-out chats' demos (train plus unverified prompts, as shipped), the shipped
 * calibration, safe mode off; each chat's selector allowed its gold model and N - 1 others drawn
 * at random (seed 7), as a models folder restricts it; the chat with its embedded rewrite as input.
 * Prints top-1 weighted by each model's number of train demos (as the calibration is fitted), and
 * the right choices for models with at most 3 train demos and for the others.
 *
 * <p>Run from the repository root: {@code java -Xmx4g -cp chatgen-modeltoken/target/classes:$(cat
 * /tmp/mt.cp) io.chatgen.modeltoken.bench.HeldOutInstalled ../shared/civitai} (about a minute).
 */
public final class HeldOutInstalled {
  private HeldOutInstalled() {}

  public static void main(String[] args) {
    if (System.getProperty("ai.djl.offline") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
    Path folder = args.length > 0 && !args[0].startsWith("--") ? Path.of(args[0]) : StarterData.defaultFolder();
    StarterData d = StarterData.read(folder);
    HashedTextEncoder enc = HashedTextEncoder.embedded();
    ModelTokenVocabulary vocabulary = ModelTokenTrainer.builder().optSeed(42).build()
        .train(d.cards(), d.pairs(true), enc, "held-out");
    Calibration shipped = StarterArtifacts.load().vocabulary().calibration();
    EmbeddedPromptRewriter rewriter = EmbeddedPromptRewriter.create();
    List<LabeledText> held = d.heldOutChats();
    double[] weights = d.heldOutWeights();
    List<Long> ids = d.cards().stream().map(ModelCard::id).toList();
    Map<Long, Integer> trainDemos = new HashMap<>();
    d.train().forEach(x -> trainDemos.merge(x.modelId(), 1, Integer::sum));
    try (ModelTokenSelector all = ModelTokenSelector.builder().optVocabulary(vocabulary).optEncoder(enc)
        .optFeaturizer(enc).optMemory(BuildStarterArtifacts.memory(enc, d.memoryDemosWithUnverified(true), List.of())).optCalibration(shipped)
        .optSafeMode(false).build()) {
      for (int installed : new int[] {5, 20, 100}) {
        Random rnd = new Random(7);
        double right = 0;
        double total = 0;
        int[] few = new int[2];
        int[] others = new int[2];
        for (int i = 0; i < held.size(); i++) {
          LabeledText chat = held.get(i);
          Set<Long> allowed = installedWith(chat.modelId(), ids, installed, rnd);
          ChatRequest request = ChatRequest.of(chat.text());
          try (ModelTokenSelector local = all.copySettings().optAllowedModels(allowed).build()) {
            boolean hit = local.select(request, rewriter.rewrite(request)).model().id() == chat.modelId();
            right += hit ? weights[i] : 0;
            total += weights[i];
            int[] group = trainDemos.getOrDefault(chat.modelId(), 0) <= 3 ? few : others;
            group[0] += hit ? 1 : 0;
            group[1]++;
          }
        }
        System.out.printf(Locale.ROOT, "among %d installed: weighted top-1 %.3f; models with <= 3 train demos %d of %d"
            + " right, others %d of %d%n", installed, right / total, few[0], few[1], others[0], others[1]);
      }
    }
  }

  /** A models folder's worth of ids: {@code gold} and others drawn from {@code ids} up to {@code installed}. */
  static Set<Long> installedWith(long gold, List<Long> ids, int installed, Random rnd) {
    Set<Long> allowed = new LinkedHashSet<>(List.of(gold));
    while (allowed.size() < Math.min(installed, ids.size())) {
      allowed.add(ids.get(rnd.nextInt(ids.size())));
    }
    return allowed;
  }
}
