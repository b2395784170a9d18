package io.chatgen.bench.eval;

import io.chatgen.core.GenerationParams;
import io.chatgen.core.Sampler;
import io.chatgen.core.data.Demonstration;
import io.chatgen.core.text.SparseVector;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The reference baselines the pipeline is compared with, all learned from the train
 * demonstrations only (never from chats): the raw chat as the prompt, TF-IDF nearest-centroid
 * and k-nearest-neighbour model selection, and the most common parameters (globally, and per
 * gold model). Each fills only the outputs it defines.
 */
public final class Baselines {
  /** Neighbours in the kNN vote. */
  public static final int KNN_K = 10;

  private Baselines() {}

  /** All standard baselines, fitted on {@code train}. */
  public static List<EvaluatedSystem> standard(List<Demonstration> train) {
    TrainIndex index = TrainIndex.fit(train);
    ParamModes global = ParamModes.of(train);
    Map<Long, List<Demonstration>> byModel = new HashMap<>();
    for (Demonstration d : train) {
      if (d.modelHashMatches()) {
        byModel.computeIfAbsent(d.modelId(), k -> new ArrayList<>()).add(d);
      }
    }
    Map<Long, GenerationParams> perModel = new HashMap<>();
    byModel.forEach((id, ds) -> perModel.put(id, ParamModes.of(ds).params(global)));
    GenerationParams globalParams = global.params(null);
    return List.of(
        system("rawChat", "the chat text itself as the prompt (all turns, one a line)",
            Capabilities.NONE.withPrompt(),
            c -> new Prediction(c.demo().imageId(), c.request().userText(), null, null, null, null, null, Map.of(), null)),
        system("tfidfCentroid", "TF-IDF of the chat vs. each model's centroid of train prompts",
            Capabilities.NONE.withSelection(),
            c -> selection(c, index.byCentroid(query(index, c), PipelineSystem.TOP_IDS))),
        system("tfidfKnn", "TF-IDF similarity-weighted vote of the " + KNN_K + " train prompts nearest to the chat",
            Capabilities.NONE.withSelection(),
            c -> selection(c, index.byNeighbours(query(index, c), KNN_K))),
        system("mostCommonParams", "the most common value of each parameter over all train demonstrations",
            Capabilities.NONE.withParams(),
            c -> new Prediction(c.demo().imageId(), null, null, null, globalParams, null, null, Map.of(), null)),
        system("goldModelMostCommonParams",
            "the gold model's most common train values (global ones where it has none); gold-model accuracy only",
            Capabilities.NONE.withGoldModelParams(),
            c -> new Prediction(c.demo().imageId(), null, null, null, null,
                perModel.getOrDefault(c.demo().modelId(), globalParams), null, Map.of(), null)));
  }

  private static SparseVector query(TrainIndex index, EvalCase c) {
    return index.tfidf.transform(c.request().userText());
  }

  private static Prediction selection(EvalCase c, List<Long> ranked) {
    return new Prediction(c.demo().imageId(), null, null, ranked, null, null, null, Map.of(), null);
  }

  private static EvaluatedSystem system(String name, String description, Capabilities caps,
      Function<EvalCase, Prediction> predict) {
    return new EvaluatedSystem() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public String description() {
        return description;
      }

      @Override
      public Capabilities capabilities() {
        return caps;
      }

      @Override
      public Prediction predict(EvalCase c) {
        try {
          return predict.apply(c);
        } catch (RuntimeException e) {
          return Prediction.failed(c.demo().imageId(), PipelineSystem.describe(e));
        }
      }
    };
  }

  /** The most common stated value of each parameter over some demonstrations (valid values only). */
  static final class ParamModes {
    final @Nullable Sampler sampler;
    final @Nullable Integer steps;
    final @Nullable Double cfg;
    final @Nullable Integer width;
    final @Nullable Integer height;
    final @Nullable Integer clipSkip;

    private ParamModes(@Nullable Sampler sampler, @Nullable Integer steps, @Nullable Double cfg,
        @Nullable Integer width, @Nullable Integer height, @Nullable Integer clipSkip) {
      this.sampler = sampler;
      this.steps = steps;
      this.cfg = cfg;
      this.width = width;
      this.height = height;
      this.clipSkip = clipSkip;
    }

    static ParamModes of(List<Demonstration> demos) {
      Map<Sampler, Integer> sampler = new LinkedHashMap<>();
      Map<Integer, Integer> steps = new LinkedHashMap<>();
      Map<Double, Integer> cfg = new LinkedHashMap<>();
      Map<Integer, Integer> width = new LinkedHashMap<>();
      Map<Integer, Integer> height = new LinkedHashMap<>();
      Map<Integer, Integer> clip = new LinkedHashMap<>();
      for (Demonstration d : demos) {
        d.sampler().ifPresent(s -> sampler.merge(s, 1, Integer::sum));
        if (d.steps() != null && d.steps() >= 1 && d.steps() <= GenerationParams.MAX_STEPS) {
          steps.merge(d.steps(), 1, Integer::sum);
        }
        if (d.cfgScale() != null && d.cfgScale() >= 0 && d.cfgScale() <= GenerationParams.MAX_CFG) {
          cfg.merge(d.cfgScale(), 1, Integer::sum);
        }
        if (validSide(d.width())) {
          width.merge(d.width(), 1, Integer::sum);
        }
        if (validSide(d.height())) {
          height.merge(d.height(), 1, Integer::sum);
        }
        if (d.clipSkip() != null && d.clipSkip() >= 1 && d.clipSkip() <= 12) {
          clip.merge(d.clipSkip(), 1, Integer::sum);
        }
      }
      return new ParamModes(mode(sampler), mode(steps), mode(cfg), mode(width), mode(height), mode(clip));
    }

    private static boolean validSide(@Nullable Integer s) {
      return s != null && s >= 64 && s <= GenerationParams.MAX_SIDE && s % 8 == 0;
    }

    /** Ties go to the value seen first, so the result does not depend on hashing. */
    private static <T> @Nullable T mode(Map<T, Integer> counts) {
      T best = null;
      int n = 0;
      for (Map.Entry<T, Integer> e : counts.entrySet()) {
        if (e.getValue() > n) {
          best = e.getKey();
          n = e.getValue();
        }
      }
      return best;
    }

    /** These modes as parameters, each missing one from {@code fallback} (else A1111's default). */
    GenerationParams params(@Nullable ParamModes fallback) {
      GenerationParams d = GenerationParams.defaults();
      return new GenerationParams(
          pick(sampler, fallback == null ? null : fallback.sampler, d.sampler()),
          pick(steps, fallback == null ? null : fallback.steps, d.steps()),
          pick(cfg, fallback == null ? null : fallback.cfg, d.cfgScale()),
          pick(clipSkip, fallback == null ? null : fallback.clipSkip, d.clipSkip()),
          pick(width, fallback == null ? null : fallback.width, d.width()),
          pick(height, fallback == null ? null : fallback.height, d.height()),
          0L,
          null);
    }

    private static <T> T pick(@Nullable T own, @Nullable T fallback, T last) {
      return Optional.ofNullable(own).or(() -> Optional.ofNullable(fallback)).orElse(last);
    }
  }
}
