package io.chatgen.modeltoken;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.chatgen.core.InvalidRequestException;
import io.chatgen.core.ModelCard;
import io.chatgen.core.stage.TextEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains ModelToken embeddings, and only them: the encoder is frozen, each text is encoded once,
 * and the token matrix is fitted with softmax cross-entropy over the whole vocabulary and Adam on
 * DJL autograd. Rows start at their class prototype (the mean encoding of the model's texts, or
 * of its card when it has none), which makes a few epochs enough.
 *
 * <p>The same seed, data and thread count give the same bits. Not thread-safe to run two
 * trainings at once in one JVM (DJL's PyTorch engine allows one gradient collector at a time).
 */
public final class ModelTokenTrainer {
  private static final Logger log = LoggerFactory.getLogger(ModelTokenTrainer.class);
  /** Initial logit scale: prototypes are unit vectors, tokens start at this norm. */
  static final float INITIAL_NORM = 10f;

  private final int epochs;
  private final float learningRate;
  private final int batchSize;
  private final long seed;
  private final Device device;
  private final TrainingListener listener;
  private final int expansionSteps;
  private final float inputDropout;

  private ModelTokenTrainer(Builder b) {
    this.inputDropout = b.inputDropout;
    this.epochs = b.epochs;
    this.learningRate = b.learningRate;
    this.batchSize = b.batchSize;
    this.seed = b.seed;
    this.device = b.device;
    this.listener = b.listener;
    this.expansionSteps = b.expansionSteps;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Trains a new vocabulary over {@code cards} from labelled texts.
   *
   * @param cards the tokens, one per model id (duplicates are refused)
   * @param data training pairs; every model id must be one of the cards
   * @param notes recorded in the provenance
   * @throws InvalidRequestException on empty data, unknown model ids or duplicate cards
   */
  public ModelTokenVocabulary train(List<ModelCard> cards, List<LabeledText> data, TextEncoder encoder, String notes) {
    if (cards.isEmpty()) {
      throw new InvalidRequestException("cannot train a vocabulary without models");
    }
    if (data.isEmpty()) {
      throw new InvalidRequestException("cannot train a vocabulary without training texts");
    }
    // validates duplicates and gives the id -> index map
    VocabularyProvenance prov = new VocabularyProvenance(encoder.id(), encoder.dimension(), dataHash(data), seed, 1,
        notes);
    ModelTokenVocabulary shape = ModelTokenVocabulary.ofFlat(cards, new float[cards.size() * encoder.dimension()],
        prov, Calibration.defaults());
    int[] labels = new int[data.size()];
    Set<Long> unknown = new HashSet<>();
    for (int i = 0; i < data.size(); i++) {
      long id = data.get(i).modelId();
      labels[i] = shape.indexOf(id).orElse(-1);
      if (labels[i] < 0) {
        unknown.add(id);
      }
    }
    if (!unknown.isEmpty()) {
      throw new InvalidRequestException("training texts name " + unknown.size() + " model ids that are not among the "
          + "cards, e.g. " + unknown.iterator().next() + ": add their cards or drop those texts");
    }
    int d = encoder.dimension();
    float[] x = encodeAll(encoder, data.stream().map(LabeledText::text).toList());
    float[] init = new float[cards.size() * d];
    int[] counts = new int[cards.size()];
    for (int i = 0; i < labels.length; i++) {
      counts[labels[i]]++;
      for (int k = 0; k < d; k++) {
        init[labels[i] * d + k] += x[i * d + k];
      }
    }
    List<Integer> cardOnly = new ArrayList<>();
    for (int m = 0; m < cards.size(); m++) {
      if (counts[m] == 0) {
        cardOnly.add(m);
      }
    }
    if (!cardOnly.isEmpty()) {
      List<float[]> enc = encoder.encode(cardOnly.stream().map(m -> NewModel.zeroShot(cards.get(m)).cardText()).toList());
      for (int j = 0; j < cardOnly.size(); j++) {
        System.arraycopy(enc.get(j), 0, init, cardOnly.get(j) * d, d);
      }
    }
    for (int m = 0; m < cards.size(); m++) {
      normalise(init, m * d, d, INITIAL_NORM);
    }
    float[] trained = fit(init, 0, x, labels, epochs, batchSize);
    return ModelTokenVocabulary.ofFlat(cards, trained, prov, Calibration.defaults());
  }

  /**
   * Adds models to a trained vocabulary without retraining it: rows start at the prototype of
   * each model's examples (or of its card text), scaled to the median norm of the existing rows;
   * then only the new rows are trained on the examples, against the whole vocabulary. Existing
   * rows are copied bit for bit.
   *
   * @throws InvalidRequestException when a new model's id is already a token or appears twice
   */
  public ModelTokenVocabulary expand(ModelTokenVocabulary base, List<NewModel> models, TextEncoder encoder) {
    base.requireEncoder(encoder);
    if (models.isEmpty()) {
      throw new InvalidRequestException("no models to add");
    }
    Set<Long> ids = new HashSet<>();
    for (NewModel nm : models) {
      if (base.indexOf(nm.card().id()).isPresent()) {
        throw new InvalidRequestException("duplicate token: model " + nm.card().label()
            + " is already in the vocabulary; remove it first or leave it out");
      }
      if (!ids.add(nm.card().id())) {
        throw new InvalidRequestException("duplicate token: model id " + nm.card().id() + " is added twice");
      }
    }
    int d = base.dimension();
    int old = base.size();
    float[] oldW = base.matrixView();
    float[] norms = new float[old];
    for (int m = 0; m < old; m++) {
      norms[m] = norm(oldW, m * d, d);
    }
    float[] sorted = norms.clone();
    Arrays.sort(sorted);
    float median = sorted.length == 0 ? INITIAL_NORM : sorted[sorted.length / 2];
    float cap = sorted.length == 0 ? INITIAL_NORM : sorted[(int) (sorted.length * 0.9)];

    float[] init = new float[models.size() * d];
    List<float[]> xs = new ArrayList<>();
    List<Integer> ys = new ArrayList<>();
    for (int j = 0; j < models.size(); j++) {
      NewModel nm = models.get(j);
      List<float[]> enc = encoder.encode(nm.examples().isEmpty() ? List.of(nm.cardText()) : nm.examples());
      for (float[] e : enc) {
        for (int k = 0; k < d; k++) {
          init[j * d + k] += e[k];
        }
        if (!nm.examples().isEmpty()) {
          xs.add(e);
          ys.add(old + j);
        }
      }
      normalise(init, j * d, d, median);
    }
    float[] fresh = init;
    if (!xs.isEmpty() && expansionSteps > 0) {
      float[] x = new float[xs.size() * d];
      int[] y = new int[xs.size()];
      for (int i = 0; i < xs.size(); i++) {
        System.arraycopy(xs.get(i), 0, x, i * d, d);
        y[i] = ys.get(i);
      }
      fresh = fitNew(oldW, old, init, x, y);
      for (int j = 0; j < models.size(); j++) {
        float n = norm(fresh, j * d, d);
        if (n > cap) {
          // rows trained only against their own few examples would otherwise grow until they
          // win every request; keep them within the range of the trained rows
          normalise(fresh, j * d, d, cap);
        }
      }
    }
    float[] all = Arrays.copyOf(oldW, oldW.length + fresh.length);
    System.arraycopy(fresh, 0, all, oldW.length, fresh.length);
    List<ModelCard> cards = new ArrayList<>(base.cards());
    models.forEach(nm -> cards.add(nm.card()));
    String note = "added " + models.size() + " model(s): "
        + models.stream().filter(nm -> nm.examples().isEmpty()).count() + " zero-shot, "
        + models.stream().filter(nm -> !nm.examples().isEmpty()).count() + " few-shot";
    return ModelTokenVocabulary.ofFlat(cards, all, base.provenance().next(note), base.calibration());
  }

  /** Trains all rows of {@code init}. */
  private float[] fit(float[] init, int unused, float[] x, int[] y, int epochCount, int batch) {
    int d = x.length / y.length;
    int m = init.length / d;
    SplittableRandom rnd = new SplittableRandom(seed);
    try (NDManager manager = NDManager.newBaseManager(device)) {
      NDArray w = manager.create(init, new Shape(m, d));
      w.setRequiresGradient(true);
      Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed(learningRate)).build();
      int[] order = new int[y.length];
      for (int i = 0; i < order.length; i++) {
        order[i] = i;
      }
      for (int epoch = 1; epoch <= epochCount; epoch++) {
        long t0 = System.nanoTime();
        shuffle(order, rnd);
        double lossSum = 0;
        int correct = 0;
        int batches = 0;
        for (int start = 0; start < order.length; start += batch) {
          int b = Math.min(batch, order.length - start);
          float[] xb = new float[b * d];
          int[] yb = new int[b];
          for (int i = 0; i < b; i++) {
            System.arraycopy(x, order[start + i] * d, xb, i * d, d);
            yb[i] = y[order[start + i]];
          }
          if (inputDropout > 0) {
            // a chat names only part of what its prompt says: drop features at random and
            // rescale, so that tokens cannot lean on any single prompt word
            float keep = 1f - inputDropout;
            for (int k = 0; k < xb.length; k++) {
              xb[k] = rnd.nextDouble() < keep ? xb[k] / keep : 0f;
            }
          }
          try (NDManager sub = manager.newSubManager()) {
            StepResult r = step(sub, w, null, xb, yb, b, d, m);
            lossSum += r.loss;
            correct += r.correct;
            batches++;
          }
          adam.update("tokens", w, w.getGradient());
          w.getGradient().subi(w.getGradient());
        }
        TrainingListener.EpochStats s = new TrainingListener.EpochStats(epoch, lossSum / batches,
            (double) correct / y.length, (System.nanoTime() - t0) / 1_000_000);
        log.debug("epoch {}: loss {} accuracy {}", epoch, s.loss(), s.accuracy());
        listener.onEpoch(s);
      }
      return w.toFloatArray();
    }
  }

  /**
   * Trains only the new rows, against the frozen old ones, full batch. The old rows' logits are
   * constant for a fixed batch, so they are computed once and each step only multiplies the
   * examples by the new rows.
   */
  private float[] fitNew(float[] oldW, int old, float[] init, float[] x, int[] y) {
    int d = x.length / y.length;
    int added = init.length / d;
    int n = y.length;
    try (NDManager manager = NDManager.newBaseManager(device)) {
      NDArray xs = manager.create(x, new Shape(n, d));
      NDArray oldLogits;
      try (NDArray frozen = manager.create(oldW, new Shape(old, d)); NDArray ft = frozen.transpose()) {
        oldLogits = xs.matMul(ft);
      }
      float[] hot = new float[n * (old + added)];
      for (int i = 0; i < n; i++) {
        hot[i * (old + added) + y[i]] = 1f;
      }
      NDArray onehot = manager.create(hot, new Shape(n, old + added));
      NDArray w = manager.create(init, new Shape(added, d));
      w.setRequiresGradient(true);
      Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed(learningRate * 5)).build();
      long t0 = System.nanoTime();
      for (int s = 1; s <= expansionSteps; s++) {
        double loss;
        int correct = 0;
        try (NDManager sub = manager.newSubManager()) {
          NDArray logits;
          try (GradientCollector gc = manager.getEngine().newGradientCollector()) {
            NDArray wt = w.transpose();
            wt.attach(sub);
            NDArray fresh = xs.matMul(wt);
            fresh.attach(sub);
            logits = NDArrays.concat(new ai.djl.ndarray.NDList(oldLogits, fresh), 1);
            logits.attach(sub);
            NDArray l = perExample(logits.logSoftmax(1).mul(onehot).sum().neg(), n);
            l.attach(sub);
            gc.backward(l);
            loss = l.getFloat();
          }
          long[] pred = logits.argMax(1).toLongArray();
          for (int i = 0; i < n; i++) {
            correct += pred[i] == y[i] ? 1 : 0;
          }
        }
        adam.update("new-tokens", w, w.getGradient());
        w.getGradient().subi(w.getGradient());
        if (s == expansionSteps || s % 10 == 0) {
          listener.onEpoch(new TrainingListener.EpochStats(s, loss, (double) correct / n,
              (System.nanoTime() - t0) / 1_000_000));
        }
      }
      return w.toFloatArray();
    }
  }

  /**
   * {@code total / count}, with the divisor in engine memory. DJL's {@code div(Number)} (PyTorch
   * engine 0.36) wraps the number in a tensor over a Java buffer that it closes right away while
   * autograd keeps the tensor for the backward pass; a garbage collection in between makes the
   * gradient read freed memory (see the diffusion module's {@code Scalars}). Same value and type
   * promotion as {@code div(count)}, so the trained weights are unchanged.
   */
  static NDArray perExample(NDArray total, int count) {
    try (NDArray divisor = total.getManager().full(new Shape(), count, DataType.FLOAT32)) {
      return total.div(divisor);
    }
  }

  private record StepResult(double loss, int correct) {}

  /** Forward and backward of one batch; temporaries live in {@code sub}. */
  private static StepResult step(NDManager sub, NDArray w, @org.jspecify.annotations.Nullable NDArray frozen,
      float[] xb, int[] yb, int b, int d, int m) {
    NDArray x = sub.create(xb, new Shape(b, d));
    float[] hot = new float[b * m];
    for (int i = 0; i < b; i++) {
      hot[i * m + yb[i]] = 1f;
    }
    NDArray onehot = sub.create(hot, new Shape(b, m));
    NDArray logits;
    double loss;
    try (GradientCollector gc = w.getManager().getEngine().newGradientCollector()) {
      NDArray table = w;
      if (frozen != null) {
        table = NDArrays.concat(new ai.djl.ndarray.NDList(frozen, w), 0);
        table.attach(sub);
      }
      NDArray wt = table.transpose();
      wt.attach(sub);
      logits = x.matMul(wt);
      NDArray l = perExample(logits.logSoftmax(1).mul(onehot).sum().neg(), b);
      gc.backward(l);
      loss = l.getFloat();
    }
    long[] pred = logits.argMax(1).toLongArray();
    int correct = 0;
    for (int i = 0; i < b; i++) {
      if (pred[i] == yb[i]) {
        correct++;
      }
    }
    return new StepResult(loss, correct);
  }

  static float[] encodeAll(TextEncoder encoder, List<String> texts) {
    int d = encoder.dimension();
    float[] x = new float[texts.size() * d];
    int chunk = 1024;
    for (int s = 0; s < texts.size(); s += chunk) {
      List<float[]> enc = encoder.encode(texts.subList(s, Math.min(texts.size(), s + chunk)));
      for (int i = 0; i < enc.size(); i++) {
        System.arraycopy(enc.get(i), 0, x, (s + i) * d, d);
      }
    }
    return x;
  }

  /** SHA-256 over the training pairs, in order. */
  public static String dataHash(List<LabeledText> data) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (LabeledText t : data) {
        md.update(t.text().getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0);
        md.update(Long.toString(t.modelId()).getBytes(StandardCharsets.UTF_8));
        md.update((byte) '\n');
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private static void shuffle(int[] a, SplittableRandom rnd) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  private static float norm(float[] a, int off, int d) {
    double s = 0;
    for (int k = 0; k < d; k++) {
      s += (double) a[off + k] * a[off + k];
    }
    return (float) Math.sqrt(s);
  }

  private static void normalise(float[] a, int off, int d, float target) {
    float n = norm(a, off, d);
    if (n > 0) {
      float f = target / n;
      for (int k = 0; k < d; k++) {
        a[off + k] *= f;
      }
    }
  }

  /** Settings; defaults suit the starter vocabulary (about 14,000 texts, 2,300 tokens). */
  public static final class Builder {
    // chosen on held-out chats-train (30%, never chats.jsonl): longer or faster training fits the
    // prompts better but generalises worse to chat requests (tokens-only top-1: prototypes 0.122,
    // 2 epochs at 0.003 0.131, 3 epochs at 0.03 0.069, 12 epochs at 0.01 0.066)
    private int epochs = 2;
    private float learningRate = 0.003f;
    private int batchSize = 512;
    private long seed = 42;
    private Device device = Device.cpu();
    private TrainingListener listener = TrainingListener.none();
    private int expansionSteps = 30;
    private float inputDropout = 0f;

    private Builder() {}

    /** Share of input features dropped at random in each training step (default 0). */
    public Builder optInputDropout(float p) {
      this.inputDropout = p;
      return this;
    }

    /** Passes over the data (default 2). */
    public Builder optEpochs(int n) {
      this.epochs = n;
      return this;
    }

    /** Adam's learning rate (default 0.003; expansion uses five times this). */
    public Builder optLearningRate(float lr) {
      this.learningRate = lr;
      return this;
    }

    /** Texts per step (default 512). */
    public Builder optBatchSize(int n) {
      this.batchSize = n;
      return this;
    }

    /** Shuffling seed (default 42). */
    public Builder optSeed(long s) {
      this.seed = s;
      return this;
    }

    /** Where to compute (default CPU). */
    public Builder optDevice(Device d) {
      this.device = d;
      return this;
    }

    /** Hears loss and accuracy after each epoch. */
    public Builder optListener(TrainingListener l) {
      this.listener = l;
      return this;
    }

    /** Full-batch Adam steps when adding models few-shot (default 30; 0 keeps the prototypes). */
    public Builder optExpansionSteps(int n) {
      this.expansionSteps = n;
      return this;
    }

    public ModelTokenTrainer build() {
      if (epochs < 0) {
        throw new InvalidRequestException("epochs must be >= 0, was " + epochs);
      }
      if (!(learningRate > 0) || Float.isInfinite(learningRate)) {
        throw new InvalidRequestException("learning rate must be > 0, was " + learningRate);
      }
      if (batchSize < 1) {
        throw new InvalidRequestException("batch size must be >= 1, was " + batchSize);
      }
      if (!(inputDropout >= 0 && inputDropout < 1)) {
        throw new InvalidRequestException("input dropout must be in [0, 1), was " + inputDropout);
      }
      if (expansionSteps < 0) {
        throw new InvalidRequestException("expansion steps must be >= 0, was " + expansionSteps);
      }
      if (device == null || listener == null) {
        throw new InvalidRequestException("device and listener must not be null");
      }
      return new ModelTokenTrainer(this);
    }
  }
}
