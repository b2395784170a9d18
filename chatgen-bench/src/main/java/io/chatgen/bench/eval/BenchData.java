package io.chatgen.bench.eval;

import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import io.chatgen.core.DataFormatException;
import io.chatgen.core.ModelCard;
import io.chatgen.core.data.ChatSample;
import io.chatgen.core.data.Demonstration;
import io.chatgen.core.data.JsonLines;
import io.chatgen.core.data.ModelCatalog;
import io.chatgen.core.data.ReadMode;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A benchmark data set in the format of {@code ../shared/civitai}: the model catalog, the
 * evaluated requests paired with their demonstrations, and the demonstrations the baselines
 * learn from (never one that is evaluated).
 *
 * @param catalog the models
 * @param cases the evaluated requests, in the order of the chats file
 * @param train what the baselines learn from
 * @param chatsRead how many chat samples the chats file holds
 * @param chatsWithoutDemo chat samples whose demonstration is not in the demos file
 * @param chatsOtherSplit chat samples whose demonstration is in a split not evaluated
 * @param variant how the chat samples were put to the pipeline
 */
public record BenchData(
    ModelCatalog catalog,
    List<EvalCase> cases,
    List<Demonstration> train,
    int chatsRead,
    int chatsWithoutDemo,
    int chatsOtherSplit,
    Variant variant) {

  /** The splits evaluated by default. */
  public static final List<String> DEFAULT_SPLITS = List.of("test", "test-fewshot");

  public BenchData {
    Objects.requireNonNull(catalog, "catalog");
    cases = List.copyOf(cases);
    train = List.copyOf(train);
    Objects.requireNonNull(variant, "variant");
  }

  /** What to read and how. Build with {@link #builder()}. */
  public static final class Loader {
    private @Nullable Path models;
    private @Nullable Path demos;
    private @Nullable Path chats;
    private @Nullable Path train;
    private String trainSplit = "train";
    private List<String> splits = DEFAULT_SPLITS;
    private Variant variant = Variant.HISTORY;
    private int limit = Integer.MAX_VALUE;

    private Loader() {}

    public Loader models(Path p) {
      this.models = p;
      return this;
    }

    public Loader demos(Path p) {
      this.demos = p;
      return this;
    }

    public Loader chats(Path p) {
      this.chats = p;
      return this;
    }

    /** Where the baselines learn from (default: the demos file). */
    public Loader train(@Nullable Path p) {
      this.train = p;
      return this;
    }

    /** Which split of the train file the baselines learn from (default "train"). */
    public Loader trainSplit(String s) {
      this.trainSplit = s;
      return this;
    }

    /** The splits to evaluate (default test and test-fewshot). */
    public Loader splits(List<String> s) {
      if (s.isEmpty()) {
        throw new IllegalArgumentException("name at least one split to evaluate, e.g. test");
      }
      this.splits = List.copyOf(s);
      return this;
    }

    public Loader variant(Variant v) {
      this.variant = Objects.requireNonNull(v, "variant");
      return this;
    }

    /** Evaluate at most this many requests (the first of the chats file). */
    public Loader limit(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("limit must be at least 1, was " + n);
      }
      this.limit = n;
      return this;
    }

    /**
     * Reads the files strictly.
     *
     * @throws DataFormatException naming the file (and line) when a file is missing or malformed
     */
    public BenchData load() {
      Path m = required(models, "--models");
      Path d = required(demos, "--demos");
      Path c = required(chats, "--chats");
      ModelCatalog catalog = ModelCatalog.readJsonl(m, ReadMode.STRICT);
      if (catalog.size() == 0) {
        throw new DataFormatException(m + ": no models in the file");
      }
      List<Demonstration> demoList = readDemos(d);
      List<ChatSample> chatList = ChatSample.read(c, ReadMode.STRICT).records();
      Map<Long, Demonstration> byImage = new HashMap<>();
      for (Demonstration demo : demoList) {
        byImage.putIfAbsent(demo.imageId(), demo);
      }
      List<EvalCase> cases = new ArrayList<>();
      int withoutDemo = 0;
      int otherSplit = 0;
      Set<String> wanted = new HashSet<>(splits);
      for (ChatSample chat : chatList) {
        Demonstration demo = byImage.get(chat.imageId());
        if (demo == null) {
          withoutDemo++;
          continue;
        }
        if (!wanted.contains(demo.split())) {
          otherSplit++;
          continue;
        }
        if (cases.size() >= limit) {
          continue;
        }
        cases.add(new EvalCase(chat, demo, variant.request(chat), gold(catalog, demo)));
      }
      List<Demonstration> trainSource = train == null || train.equals(d)
          ? demoList : readDemos(requireFile(train, "--train"));
      Set<Long> evaluated = new HashSet<>();
      cases.forEach(k -> evaluated.add(k.demo().imageId()));
      // the baselines must never see an evaluated demonstration, whatever the train file holds
      List<Demonstration> trainDemos = trainSource.stream()
          .filter(t -> t.split().equals(trainSplit))
          .filter(t -> !evaluated.contains(t.imageId()))
          .toList();
      if (trainDemos.isEmpty()) {
        throw new DataFormatException((train == null ? d : train)
            + ": no demonstrations of split \"" + trainSplit + "\" to train the baselines on");
      }
      return new BenchData(catalog, cases, trainDemos, chatList.size(), withoutDemo, otherSplit, variant);
    }

    private static Path required(@Nullable Path p, String option) {
      if (p == null) {
        throw new IllegalArgumentException("missing " + option);
      }
      return requireFile(p, option);
    }

    private static Path requireFile(Path p, String option) {
      if (!Files.isRegularFile(p)) {
        throw new DataFormatException(option + ": file not found: " + p);
      }
      return p;
    }
  }

  /**
   * Reads demonstrations strictly, except that a seed too large for a 64-bit integer (Civitai has
   * some, written by UIs with 64-bit unsigned seeds) is read as unstated: the benchmark never
   * scores the seed, and one odd seed must not stop a run. Anything else malformed fails, naming
   * the file and line.
   */
  static List<Demonstration> readDemos(Path file) {
    return JsonLines.read(file, ReadMode.STRICT, o -> {
      JsonElement seed = o.get("seed");
      if (seed != null && seed.isJsonPrimitive() && seed.getAsJsonPrimitive().isNumber() && !fitsLong(seed)) {
        JsonObject copy = o.deepCopy();
        copy.add("seed", JsonNull.INSTANCE);
        return Demonstration.fromJson(copy);
      }
      return Demonstration.fromJson(o);
    }).records();
  }

  private static boolean fitsLong(JsonElement number) {
    try {
      new BigDecimal(number.getAsString()).longValueExact();
      return true;
    } catch (ArithmeticException | NumberFormatException e) {
      return false;
    }
  }

  /** Starts describing what to read. */
  public static Loader builder() {
    return new Loader();
  }

  /** The demonstration's own model: its version's card, else the model's first version. */
  static @Nullable ModelCard gold(ModelCatalog catalog, Demonstration demo) {
    return catalog.byVersionId(demo.versionId()).or(() -> catalog.byId(demo.modelId())).orElse(null);
  }

  /** The splits present among the cases, in the order given. */
  public List<String> splitsPresent(List<String> order) {
    Set<String> present = new HashSet<>();
    cases.forEach(k -> present.add(k.split()));
    List<String> out = new ArrayList<>();
    for (String s : order) {
      if (present.remove(s)) {
        out.add(s);
      }
    }
    out.addAll(present.stream().sorted().toList());
    return out;
  }
}
