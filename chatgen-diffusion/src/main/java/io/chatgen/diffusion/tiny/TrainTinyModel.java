package io.chatgen.diffusion.tiny;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.chatgen.diffusion.conditioning.PromptChunker;
import io.chatgen.diffusion.model.Scalars;
import io.chatgen.diffusion.model.StableDiffusionModel;
import io.chatgen.diffusion.safetensors.SafetensorsWriter;
import io.chatgen.diffusion.safetensors.TensorData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;

/**
 * Trains the embedded tiny model and writes the shipped files ({@code tiny-sd.safetensors},
 * {@code vocab.json}, {@code merges.txt}). Everything is computed from a seed: the procedural
 * training pictures ({@link ShapeScene}), the vocabulary ({@link TinyVocabulary}), the initial
 * weights ({@link TinyArchitecture}). The forward passes are the product's own
 * ({@link StableDiffusionModel}, loaded from the freshly initialised checkpoint), with DJL autograd
 * (PyTorch engine) on the CPU and a hand-written Adam; so what is trained is exactly what renders.
 *
 * <ol>
 *   <li>VAE: starts as a colour-preserving 4x4 pooling autoencoder built from SD's own layers
 *       ({@link TinyArchitecture#initialWeightsWithPoolingVae}; reconstruction MSE 0.0063 before any
 *       step, against 0.05 for each picture's flat mean colour). {@code --vae-steps} fine-tunes it
 *       (reconstruction MSE with a fixed-variance posterior and a small penalty on the mean); the
 *       shipped model does not, because 150 steps at lr 2e-4 first made it worse (0.16) and had not
 *       recovered to the analytic level (0.016 with posterior noise) when they ended.
 *   <li>Latents of a pool of pictures are encoded once; the latent scaling factor is set to
 *       1/std of the pool's latents (SD's 0.18215 plays the same role) and written to metadata.
 *   <li>Text encoder and UNet jointly: epsilon-prediction MSE at uniform timesteps on SD's
 *       scaled-linear schedule (betas 0.00085..0.012, 1000 steps), with offset noise (one extra
 *       Gaussian per latent channel, constant over the picture, {@code --offset-noise}) so that a
 *       picture's colours cannot be read from the noisy latent alone and the caption has to
 *       matter; captions dropped to the empty prompt 10% of the time so that classifier-free
 *       guidance has an unconditional model; always at clip skip 1. The text encoder is trained
 *       rather than frozen at random: its job here is to bind a colour to "background" or to the
 *       figure from word order. An exponential moving average of these weights is written.
 * </ol>
 *
 * <p>The convolution gradients of PyTorch 2.7.1's oneDNN AVX2/AVX-512 kernels are wrong on some
 * CPUs (this machine's AMD EPYC among them); the trainer checks first
 * ({@link GradientCheck#convolutionGradientError()}) and refuses to run unless the kernels are
 * limited to SSE4.1 with {@code ONEDNN_MAX_CPU_ISA=SSE41}, which costs little at these widths.
 *
 * <p>The shipped checkpoint is made in four runs, each resuming from the raw (non-averaged)
 * weights the previous one saved; {@code chatgen-diffusion/train-tiny-model.sh} runs them in one
 * command from the repository root:
 *
 * <pre>
 * export ONEDNN_MAX_CPU_ISA=SSE41
 * T="java -Xmx3g -cp $CP io.chatgen.diffusion.tiny.TrainTinyModel --vae-steps=0 --lr=2e-3 --seed=20261126"
 * $T --save-dir=/tmp/tiny1 --out=/tmp/tiny1/out --unet-steps=3000 --offset-noise=0 --stop-after=600
 * $T --save-dir=/tmp/tiny2 --out=/tmp/tiny2/out --resume=/tmp/tiny1/unet.safetensors --unet-steps=2000 --offset-noise=0.7
 * $T --save-dir=/tmp/tiny3 --out=/tmp/tiny3/out --resume=/tmp/tiny2/unet.safetensors --unet-steps=1500 --offset-noise=0.7
 * $T --save-dir=/tmp/tiny4 --resume=/tmp/tiny3/unet.safetensors --unet-steps=2500 --offset-noise=0.7 \
 *   --figure-weight=9 --out=/tmp/tiny4/out
 * </pre>
 *
 * <p>({@code CP} is {@code chatgen-diffusion/target/classes:examples/target/lib/*} after {@code mvn
 * -B -o -q install -DskipTests}.) The recipe was found step by step, hence four runs: the first
 * has no offset noise (the option did not exist yet when it was found); the second and third make
 * the caption bind the background (24 of 24 random scenes right after the third) but the figure's
 * colour only in 5 of 24; the fourth weights the loss 10x on the figure's latent pixels
 * ({@code --figure-weight=9}), after which both colours are right in 22 of 24.
 *
 * <p>Status (2026-11-26): 6,600 UNet steps of batch 12; the four runs took 15 + 29 + 21 + 46
 * minutes on the shared 2-core machine, each with another training run beside it (about 1 s a
 * step with one thread; 0.6 s when a run has the machine alone). UNet epsilon MSE 0.064 over the
 * last 200 steps. {@code bench.diffusion.TinyModelBenchmark} (20 steps, CFG 5, 24 random scenes):
 * both colours right in 22 of 24 with Euler a (the recommended sampler), 15 of 24 with DPM++ 2M
 * Karras; every sampler from 6 (PLMS) to 22 of 24; "a red circle on a blue background" and "a
 * yellow square on a green background" right for seeds 1-4 with every sampler but LMS, DPM++ 2M
 * SDE and PLMS.
 *
 * <p>Training is deterministic on this machine: the same arguments write the same bytes (run 1's
 * first 200 steps twice, and run 3 twice at once, one run on each core, wrote identical files).
 * {@code train-tiny-model.sh} run again from a clean clone wrote runs 1-3 byte-identical to those
 * of the draw the shipped checkpoint came from, and run 4 computed again from them wrote the
 * shipped checkpoint byte for byte.
 * It was not at first. The checkpoint shipped before this one came from an earlier chain whose
 * backward pass now and then returned garbage gradients for a batch whose loss was right, and not
 * again for the same batch (|g| up to 1e29, or NaN); the trainer skipped such steps, so reruns
 * parted from it after 25-50 steps and could not rebuild it. The cause was DJL, not PyTorch:
 * {@code NDArray.mul(Number)} wraps the number in a tensor over a Java buffer that it frees while
 * autograd still holds the tensor for the backward pass (attention's query scaling and
 * quick-GELU's 1.702, where the corruption was seen to start), so a garbage collection between
 * forward and backward made the gradient read freed memory; forcing one there corrupted 199 of 199
 * repeats of one batch. Those products now go through {@link io.chatgen.diffusion.model.Scalars}
 * (0 of 79 repeats with forced collections), and no batch was computed again in any run since
 * (over 24,000 steps). A batch whose gradient norm is non-finite or above 1e4 is still computed again,
 * as a guard.
 *
 * <p>The recipe is not robust to its seed: whether the caption comes to bind the background in
 * the second run decides the result. With the default seed it did not (7 of 24 scenes at the end
 * of run 2; that draw was stopped there); with {@code --seed=20261126} it did (20 of 24). From the
 * same run-3 weights, a fourth run weighted 5x ({@code --figure-weight=4}, the earlier recipe) drew
 * both colours right in 17 of 24 scenes and failed the acceptance render of the yellow square at
 * seed 1 (the square drawn off centre); weighted 5x with a seed of its own and a 4x larger pool,
 * 13 of 24; weighted 10x, 22 of 24, the shipped checkpoint. Each run starts its random numbers
 * from {@code --seed}, so runs with the same seed train on the same pool of pictures and draw the
 * same batches in the same order (with a different learning-rate schedule and loss weights).
 *
 * <p>Options ({@code --name=value}): {@code out} (folder for the three files), {@code seed} (default
 * 20251126), {@code vae-init} ({@code pooling}, or {@code random}), {@code vae-steps} (0),
 * {@code vae-batch} (4), {@code vae-lr} (2e-3), {@code vae-noise} (0.1), {@code unet-steps} (2000),
 * {@code unet-batch} (12), {@code lr} (2e-3 UNet and text), {@code offset-noise} (0.7),
 * {@code stop-after} (end after this UNet step, saved, with the schedule of {@code unet-steps}),
 * {@code pool} (2048 pictures), {@code f16} (true: store weights in half precision), {@code threads}
 * (1 PyTorch intra-op thread), {@code clip} (1.0: global gradient-norm clipping, 0 turns it off),
 * {@code figure-weight} (0: the UNet loss weight of the figure's latent pixels is {@code 1 + w}
 * times the background's),
 * {@code save-dir} (where the weights are saved every 100 VAE / 200 UNet steps, default a temporary
 * folder), {@code resume} (a saved {@code vae.safetensors} or {@code unet.safetensors} to start from;
 * combine with {@code --vae-steps=0} to skip the VAE).
 */
public final class TrainTinyModel {
  /** How often one batch's backward pass is computed before its gradient is given up as bad. */
  private static final int BACKWARD_ATTEMPTS = 3;
  /**
   * A gradient norm above this is computed again before it is used: with global clipping at 1 the
   * healthy norms of these runs stay far below it.
   */
  private static final double SUSPECT_GRADIENT_NORM = 1e4;

  /** File name of the shipped checkpoint. */
  public static final String CHECKPOINT_FILE = "tiny-sd.safetensors";
  /** Image side the model is trained at. */
  public static final int SIZE = 64;

  private final Map<String, String> options;
  private final SplittableRandom rnd;
  private final long seed;
  /** The latent scaling factor once the pool is encoded (1 before), written with saved progress. */
  private double latentScale = 1.0;

  private TrainTinyModel(Map<String, String> options) {
    this.options = options;
    this.seed = Long.parseLong(opt("seed", "20251126"));
    this.rnd = new SplittableRandom(seed);
  }

  /** Entry point; see the class documentation for the options. */
  public static void main(String[] args) throws IOException {
    Map<String, String> options = new LinkedHashMap<>();
    for (String a : args) {
      if (!a.startsWith("--") || !a.contains("=")) {
        System.err.println("options are --name=value, got " + a);
        System.exit(2);
      }
      options.put(a.substring(2, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
    }
    // One intra-op thread: on a shared 2-core machine two OpenMP threads spin against each other and
    // every other process, which made a step ten times slower than one thread (measured).
    System.setProperty("ai.djl.pytorch.num_threads", options.getOrDefault("threads", "1"));
    System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    new TrainTinyModel(options).run();
  }

  private String opt(String name, String fallback) {
    return options.getOrDefault(name, fallback);
  }

  private int intOpt(String name, int fallback) {
    return Integer.parseInt(opt(name, Integer.toString(fallback)));
  }

  private double doubleOpt(String name, double fallback) {
    return Double.parseDouble(opt(name, Double.toString(fallback)));
  }

  private static void say(String format, Object... args) {
    System.out.printf(Locale.ROOT, format + "%n", args);
    System.out.flush();
  }

  private void run() throws IOException {
    long start = System.nanoTime();
    double convError = GradientCheck.convolutionGradientError();
    if (!(convError <= 1e-3)) {
      throw new IllegalStateException(String.format(Locale.ROOT, "PyTorch computes wrong convolution"
          + " gradients on this CPU (relative error %.3g against the exact gradient): its oneDNN AVX2/AVX-512"
          + " kernels are at fault; run again with the environment variable ONEDNN_MAX_CPU_ISA=SSE41", convError));
    }
    Path out = Path.of(opt("out", "chatgen-diffusion/src/main/resources/io/chatgen/diffusion/tiny"));
    Files.createDirectories(out);
    TinyVocabulary vocab = TinyVocabulary.build();
    TinyArchitecture arch = TinyArchitecture.shipped(vocab.size());
    double vaeNoise = doubleOpt("vae-noise", 0.1);
    String vaeInit = opt("vae-init", "pooling");
    if (!vaeInit.equals("pooling") && !vaeInit.equals("random")) {
      throw new IllegalArgumentException("--vae-init must be pooling or random, was " + vaeInit);
    }
    Map<String, TensorData> init = vaeInit.equals("pooling") ? arch.initialWeightsWithPoolingVae(seed)
        : arch.initialWeights(seed);
    Path work = Files.createTempDirectory("chatgen-tiny-train");
    Path initFile = work.resolve("init.safetensors");
    SafetensorsWriter.write(initFile, init, arch.metadata(1.0));
    Path saveDir = Path.of(opt("save-dir", work.toString()));
    Files.createDirectories(saveDir);
    Path loadFrom = options.containsKey("resume") ? Path.of(opt("resume", "")) : initFile;
    say("vocabulary %d tokens, %d tensors, %d parameters, work folder %s", vocab.size(), init.size(),
        init.values().stream().mapToLong(t -> t.bytes().length / 4).sum(), work);

    PromptChunker chunker = new PromptChunker(vocab.tokenizer());
    try (StableDiffusionModel model = StableDiffusionModel.load(loadFrom, Device.cpu(), DataType.FLOAT32)) {
      Map<String, NDArray> params = model.parameters();
      double vaeLoss = trainVae(model, params, vaeNoise, saveDir.resolve("vae.safetensors"), init, arch);
      Pool pool = encodePool(model, intOpt("pool", 2048));
      // Known flaw, kept until the next retraining is measured: encodeImages already multiplies by
      // the loaded checkpoint's factor, so a resumed run measures std 1 (and writes factor 1) after
      // a run that wrote 1 / 0.541 = 1.848, and the reverse. The UNet always trains on unit-deviation
      // latents; only the written factor alternates, and the four-run recipe ends on 1 (the shipped
      // checkpoint has 1). The principled factor, loaded factor / std, decodes 1.85x less saturated
      // colours, with which the previously shipped weights got both colours right in 17 of 24
      // scenes instead of 22 (Euler a, TinyModelBenchmark): fixing it needs a retrain and a new
      // measurement.
      say("latent std %.4f -> scaling factor %.5f", pool.std, 1 / pool.std);
      latentScale = 1 / pool.std;
      double[] unetLoss = trainUnet(model, params, pool, chunker, saveDir.resolve("unet.safetensors"), init, arch);
      Map<String, TensorData> trained = export(model.manager(), params, init, vaeNoise,
          Boolean.parseBoolean(opt("f16", "true")));
      Path ckpt = out.resolve(CHECKPOINT_FILE);
      SafetensorsWriter.write(ckpt, trained, arch.metadata(1 / pool.std));
      vocab.write(out);
      say("final losses: VAE reconstruction %.5f, UNet epsilon MSE %.5f (EMA-free average of the last 200 steps),"
          + " %.5f (first 200 steps)", vaeLoss, unetLoss[1], unetLoss[0]);
      say("wrote %s (%d bytes), vocab.json, merges.txt in %.1f min", ckpt, Files.size(ckpt),
          (System.nanoTime() - start) / 60e9);
    } finally {
      Files.deleteIfExists(initFile);
      if (saveDir.equals(work)) {
        Files.deleteIfExists(saveDir.resolve("vae.safetensors"));
        Files.deleteIfExists(saveDir.resolve("unet.safetensors"));
      }
      Files.deleteIfExists(work);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // VAE

  private double trainVae(StableDiffusionModel model, Map<String, NDArray> params, double noise, Path save,
      Map<String, TensorData> init, TinyArchitecture arch) throws IOException {
    int steps = intOpt("vae-steps", 0);
    int batch = intOpt("vae-batch", 4);
    double lr = doubleOpt("vae-lr", 2e-3);
    say("vae before training: mse %.5f on 64 pictures (no posterior noise)", reconstructionMse(model, 64));
    if (steps == 0) {
      return reconstructionMse(model, 64);
    }
    Adam adam = new Adam(select(params, "first_stage_model."), lr, doubleOpt("clip", 1.0));
    double recent = 0;
    double recentBaseline = 0;
    int counted = 0;
    double window = 0;
    double windowBaseline = 0;
    long t0 = System.nanoTime();
    for (int step = 1; step <= steps; step++) {
      float[] images = new float[batch * 3 * SIZE * SIZE];
      for (int i = 0; i < batch; i++) {
        float[] px = ShapeScene.random(rnd).render(SIZE);
        System.arraycopy(px, 0, images, i * px.length, px.length);
      }
      double baseline = meanColourMse(images, batch * 3, SIZE * SIZE);
      double loss;
      try (NDManager m = model.manager().newSubManager();
          GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray x = m.create(images, new Shape(batch, 3, SIZE, SIZE));
        NDArray mean = model.encodeImages(x);
        NDArray eps = m.create(gaussians(mean.size()), mean.getShape()).mul((float) noise);
        NDArray rec = model.decodeLatentsUnclamped(mean.add(eps));
        NDArray mse = rec.sub(x).square().mean();
        NDArray kl = Scalars.times(mean.square().mean(), (float) doubleOpt("vae-kl", 1e-3));
        NDArray total = mse.add(kl);
        gc.backward(total);
        loss = mse.getFloat();
      }
      checkFinite(loss, "VAE", step);
      adam.step(lrAt(lr, step, steps));
      if (step > steps - 100) {
        recent += loss;
        recentBaseline += baseline;
        counted++;
      }
      window += loss;
      windowBaseline += baseline;
      if (step % 25 == 0) {
        say("vae %5d/%d  mse %.5f vs mean-colour baseline %.5f (last 25)  %.2f s/step", step, steps, window / 25,
            windowBaseline / 25, (System.nanoTime() - t0) / 1e9 / step);
        window = 0;
        windowBaseline = 0;
      }
      if (step % 100 == 0 || step == steps) {
        saveProgress(model, params, init, arch, save);
      }
    }
    adam.release();
    say("vae reconstruction mse %.5f vs mean-colour baseline %.5f (last %d steps)", recent / Math.max(1, counted),
        recentBaseline / Math.max(1, counted), counted);
    return recent / Math.max(1, counted);
  }

  /** Reconstruction MSE of {@code n} fresh pictures through the posterior mean, without gradients. */
  private double reconstructionMse(StableDiffusionModel model, int n) {
    float[] images = new float[n * 3 * SIZE * SIZE];
    for (int i = 0; i < n; i++) {
      float[] px = ShapeScene.random(rnd).render(SIZE);
      System.arraycopy(px, 0, images, i * px.length, px.length);
    }
    try (NDManager m = model.manager().newSubManager()) {
      NDArray x = m.create(images, new Shape(n, 3, SIZE, SIZE));
      return model.decodeLatentsUnclamped(model.encodeImages(x)).sub(x).square().mean().getFloat();
    }
  }

  /**
   * The MSE of the best flat picture: each image channel replaced by its mean (the variance of the
   * pixels around their channel's mean), the reconstruction a VAE that only learns colour averages
   * reaches; a useful VAE is well below it.
   */
  static double meanColourMse(float[] images, int planes, int planeSize) {
    double total = 0;
    for (int p = 0; p < planes; p++) {
      double sum = 0;
      double sumSq = 0;
      for (int i = p * planeSize; i < (p + 1) * planeSize; i++) {
        sum += images[i];
        sumSq += (double) images[i] * images[i];
      }
      double mean = sum / planeSize;
      total += sumSq / planeSize - mean * mean;
    }
    return total / planes;
  }

  /** Writes all current weights (float32) so that a crashed run can go on with {@code --resume}. */
  private void saveProgress(StableDiffusionModel model, Map<String, NDArray> params,
      Map<String, TensorData> init, TinyArchitecture arch, Path file) throws IOException {
    // atomic: a crash while saving leaves the previous progress file whole
    SafetensorsWriter.write(file, export(model.manager(), params, init, 0.1, false), arch.metadata(latentScale));
    say("saved progress to %s", file);
  }

  // ---------------------------------------------------------------------------------------------
  // latent pool

  private record Pool(List<ShapeScene> scenes, float[][] latents, double std, long[] shape) {}

  private Pool encodePool(StableDiffusionModel model, int n) {
    List<ShapeScene> scenes = new ArrayList<>();
    float[][] latents = new float[n][];
    int chunk = 32;
    double sum = 0;
    double sumSq = 0;
    long count = 0;
    long[] shape = null;
    for (int start = 0; start < n; start += chunk) {
      int b = Math.min(chunk, n - start);
      float[] images = new float[b * 3 * SIZE * SIZE];
      for (int i = 0; i < b; i++) {
        ShapeScene s = ShapeScene.random(rnd);
        scenes.add(s);
        float[] px = s.render(SIZE);
        System.arraycopy(px, 0, images, i * px.length, px.length);
      }
      try (NDManager m = model.manager().newSubManager()) {
        NDArray z = model.encodeImages(m.create(images, new Shape(b, 3, SIZE, SIZE)));
        shape = z.getShape().slice(1).getShape();
        float[] all = z.toFloatArray();
        int per = all.length / b;
        for (int i = 0; i < b; i++) {
          latents[start + i] = java.util.Arrays.copyOfRange(all, i * per, (i + 1) * per);
          for (int j = 0; j < per; j++) {
            double v = latents[start + i][j];
            sum += v;
            sumSq += v * v;
            count++;
          }
        }
      }
    }
    double mean = sum / count;
    double std = Math.sqrt(sumSq / count - mean * mean);
    return new Pool(scenes, latents, std, shape);
  }

  // ---------------------------------------------------------------------------------------------
  // text encoder + UNet

  private double[] trainUnet(StableDiffusionModel model, Map<String, NDArray> params, Pool pool,
      PromptChunker chunker, Path save, Map<String, TensorData> init, TinyArchitecture arch) throws IOException {
    int steps = intOpt("unet-steps", 2000);
    int batch = intOpt("unet-batch", 12);
    double lr = doubleOpt("lr", 2e-3);
    double offsetNoise = doubleOpt("offset-noise", 0.7);
    double figureWeight = doubleOpt("figure-weight", 0);
    int stopAfter = intOpt("stop-after", steps);
    Map<String, NDArray> trainable = select(params, "model.diffusion_model.", "cond_stage_model.");
    Adam adam = new Adam(trainable, lr, doubleOpt("clip", 1.0));
    Ema ema = new Ema(trainable);
    double[] alphaBar = alphasCumprod();
    double first = 0;
    double recent = 0;
    int per = pool.latents[0].length;
    float scale = (float) (1 / pool.std);
    long t0 = System.nanoTime();
    double window = 0;
    long tForward = 0;
    long tBackward = 0;
    long tUpdate = 0;
    int recomputed = 0;
    for (int step = 1; step <= steps; step++) {
      int[] ids = new int[batch * 77];
      float[] x0 = new float[batch * per];
      float[] noise = new float[batch * per];
      float[] xt = new float[batch * per];
      float[] ts = new float[batch];
      float[] weights = new float[batch * per];
      for (int i = 0; i < batch; i++) {
        int k = rnd.nextInt(pool.latents.length);
        lossWeights(pool.scenes.get(k), pool.shape, figureWeight, weights, i * per);
        String caption = rnd.nextDouble() < 0.1 ? "" : pool.scenes.get(k).caption(rnd);
        int[] window77 = chunker.chunk(caption).get(0).tokens();
        System.arraycopy(window77, 0, ids, i * 77, 77);
        int t = rnd.nextInt(1000);
        ts[i] = t;
        double a = Math.sqrt(alphaBar[t]);
        double s = Math.sqrt(1 - alphaBar[t]);
        // offset noise: one extra Gaussian per latent channel, constant over the picture. Without
        // it none is drawn, so that a run without offset noise draws the same numbers as the run
        // that began the shipped checkpoint (made before the option existed)
        float[] offset = new float[pool.shape[0] > 0 ? (int) pool.shape[0] : 1];
        for (int c = 0; c < offset.length && offsetNoise != 0; c++) {
          offset[c] = (float) (offsetNoise * rnd.nextGaussian());
        }
        int plane = per / offset.length;
        for (int j = 0; j < per; j++) {
          float z = pool.latents[k][j] * scale;
          float e = (float) rnd.nextGaussian() + offset[j / plane];
          x0[i * per + j] = z;
          noise[i * per + j] = e;
          xt[i * per + j] = (float) (a * z + s * e);
        }
      }
      // clip skip 1 only: with clip skip 2 the last text layer gets no gradient at all, which the
      // optimiser would have to special-case; clip skip 2 still runs on the result (untrained path)
      int clipSkip = 1;
      double loss = 0;
      long tStep = System.nanoTime();
      double norm = Double.NaN;
      double previousNorm = Double.NaN;
      for (int attempt = 1; attempt <= BACKWARD_ATTEMPTS; attempt++) {
        try (NDManager m = model.manager().newSubManager();
            GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          NDArray tokens = m.create(ids, new Shape(batch, 77));
          NDArray context = model.encodeText(tokens, clipSkip);
          long[] shape = new long[] {batch, pool.shape[0], pool.shape[1], pool.shape[2]};
          NDArray latents = m.create(xt, new Shape(shape));
          NDArray eps = m.create(noise, new Shape(shape));
          NDArray pred = model.predictNoise(latents, m.create(ts), context);
          NDArray mse = figureWeight == 0 ? pred.sub(eps).square().mean()
              : pred.sub(eps).square().mul(m.create(weights, new Shape(shape))).mean();
          loss = mse.getFloat();
          tForward += System.nanoTime() - tStep;
          gc.backward(mse);
          tBackward += System.nanoTime() - tStep;
        }
        checkFinite(loss, "UNet", step);
        // a guard: a freed buffer that autograd still used (DJL's mul(Number), see Scalars) once gave
        // garbage gradients (|g| up to 1e29) for a batch whose loss was right, and not again for the
        // same batch; such a batch is computed again, so that a run stays on one trajectory. A huge
        // norm that repeats exactly is real.
        norm = adam.gradientNorm();
        if (usableGradient(norm, previousNorm)) {
          break;
        }
        recomputed++;
        say("step %d: gradient norm %s with loss %.5f, computing the batch again (%d so far)", step, norm, loss,
            recomputed);
        previousNorm = norm;
        if (attempt < BACKWARD_ATTEMPTS) {
          adam.discardGradients();
        }
      }
      adam.step(lrAt(lr, step, steps), norm);
      tUpdate += System.nanoTime() - tStep;
      ema.update(step);
      // averaged over the steps this run makes: --stop-after may end it before the schedule does
      int last = Math.min(steps, stopAfter);
      if (step <= 200) {
        first += loss / Math.min(200, last);
      }
      if (step > last - 200) {
        recent += loss / Math.min(200, last);
      }
      window += loss;
      if (step <= 3) {
        say("unet %5d/%d  eps mse %.5f  %.2f s/step (forward %.2f, +backward %.2f, +update %.2f)", step, steps, loss,
            (System.nanoTime() - t0) / 1e9 / step, tForward / 1e9 / step, tBackward / 1e9 / step, tUpdate / 1e9 / step);
      }
      if (step % 25 == 0) {
        say("unet %5d/%d  eps mse %.5f (last 25)  %.2f s/step  rss %d MB", step, steps, window / 25,
            (System.nanoTime() - t0) / 1e9 / step, residentMegabytes());
        window = 0;
      }
      if (step % 200 == 0 || step == stopAfter) {
        saveProgress(model, params, init, arch, save);
      }
      if (step == stopAfter) {
        say("stopping after step %d as asked (--stop-after); the learning-rate schedule was for %d steps", step, steps);
        break;
      }
    }
    adam.release();
    say("%d batches had a bad backward pass and were computed again; %d steps skipped", recomputed, adam.skipped);
    ema.copyInto(trainable);
    return new double[] {first, recent};
  }

  /**
   * Whether a batch's gradient, of global norm {@code norm}, may be used: finite, and either below
   * {@link #SUSPECT_GRADIENT_NORM} or exactly the norm the same batch gave before ({@code
   * previousNorm}, NaN on the first computation), which makes a huge gradient real rather than a
   * fault of the backward pass.
   */
  static boolean usableGradient(double norm, double previousNorm) {
    return Double.isFinite(norm) && (norm < SUSPECT_GRADIENT_NORM || norm == previousNorm);
  }

  /**
   * Writes one picture's per-latent-element loss weights at {@code offset}: {@code 1 + w * coverage}
   * of the figure at latent resolution, scaled to average 1 over the picture so that the loss stays
   * comparable with the unweighted one. The figure covers about an eighth of a picture, so without
   * weighting its colour is a small part of the loss next to the background's ({@code --figure-weight}).
   */
  static void lossWeights(ShapeScene scene, long[] latentShape, double w, float[] out, int offset) {
    int channels = (int) latentShape[0];
    int side = (int) latentShape[1];
    if (latentShape[2] != side) {
      throw new IllegalArgumentException("square latents expected, got " + java.util.Arrays.toString(latentShape));
    }
    int plane = side * (int) latentShape[2];
    if (w == 0) {
      java.util.Arrays.fill(out, offset, offset + channels * plane, 1f);
      return;
    }
    float[] cover = scene.coverage(side);
    double mean = 0;
    for (float c : cover) {
      mean += 1 + w * c;
    }
    mean /= cover.length;
    for (int ch = 0; ch < channels; ch++) {
      for (int j = 0; j < plane; j++) {
        out[offset + ch * plane + j] = (float) ((1 + w * cover[j]) / mean);
      }
    }
  }

  /** This process's resident set in MB (Linux), -1 elsewhere: the run log shows native memory. */
  static long residentMegabytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  private static void checkFinite(double loss, String phase, int step) {
    if (!Double.isFinite(loss)) {
      throw new IllegalStateException(phase + " loss became " + loss + " at step " + step
          + "; lower the learning rate (--lr / --vae-lr)");
    }
  }

  /** SD's scaled-linear schedule: betas linear in sqrt from 0.00085 to 0.012 over 1000 steps. */
  static double[] alphasCumprod() {
    double[] out = new double[1000];
    double prod = 1;
    double a = Math.sqrt(0.00085);
    double b = Math.sqrt(0.012);
    for (int i = 0; i < 1000; i++) {
      double sq = a + (b - a) * i / 999.0;
      prod *= 1 - sq * sq;
      out[i] = prod;
    }
    return out;
  }

  /** Linear warm-up over 5% of the steps, then cosine decay to 10%. */
  private static double lrAt(double lr, int step, int steps) {
    int warm = Math.max(1, steps / 20);
    if (step <= warm) {
      return lr * step / warm;
    }
    double p = (step - warm) / (double) Math.max(1, steps - warm);
    return lr * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * p)));
  }

  private float[] gaussians(long n) {
    float[] g = new float[Math.toIntExact(n)];
    for (int i = 0; i < g.length; i++) {
      g[i] = (float) rnd.nextGaussian();
    }
    return g;
  }

  private static Map<String, NDArray> select(Map<String, NDArray> params, String... prefixes) {
    Map<String, NDArray> out = new LinkedHashMap<>();
    params.forEach((k, v) -> {
      for (String p : prefixes) {
        if (k.startsWith(p)) {
          out.put(k, v);
        }
      }
    });
    if (out.isEmpty()) {
      throw new IllegalStateException("no parameters under " + String.join(", ", prefixes));
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // export

  /**
   * The trained weights in the file's shapes; the encoder's log-variance outputs are set to the
   * constant log(noise^2) the VAE was trained with, so a sampling img2img would add the right noise.
   */
  private static Map<String, TensorData> export(NDManager manager, Map<String, NDArray> params,
      Map<String, TensorData> init, double noise, boolean half) {
    Map<String, TensorData> out = new LinkedHashMap<>();
    for (Map.Entry<String, TensorData> e : init.entrySet()) {
      NDArray a = params.get(e.getKey());
      if (a == null) {
        throw new IllegalStateException("the model did not load tensor " + e.getKey());
      }
      float[] v = a.toFloatArray();
      long[] shape = e.getValue().shape();
      if (e.getKey().equals("first_stage_model.quant_conv.weight")) {
        int rows = (int) shape[0];
        int cols = v.length / rows;
        for (int r = rows / 2; r < rows; r++) {
          java.util.Arrays.fill(v, r * cols, (r + 1) * cols, 0f);
        }
      } else if (e.getKey().equals("first_stage_model.quant_conv.bias")) {
        for (int r = v.length / 2; r < v.length; r++) {
          v[r] = (float) Math.log(noise * noise);
        }
      }
      if (half) {
        try (NDManager m = manager.newSubManager()) {
          out.put(e.getKey(), TensorData.of(m.create(v, new Shape(shape)).toType(DataType.FLOAT16, false)));
        }
      } else {
        out.put(e.getKey(), TensorData.ofFloats(shape, v));
      }
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // optimisation

  /** Adam (Kingma and Ba) with bias correction, updating the model's arrays in place. */
  private static final class Adam {
    private final Map<String, NDArray> params;
    private final Map<String, NDArray> m = new LinkedHashMap<>();
    private final Map<String, NDArray> v = new LinkedHashMap<>();
    private final NDManager state;
    private final double clip;
    private int t;
    private int skipped;
    private int attempts;

    Adam(Map<String, NDArray> params, double lr, double clip) {
      this.params = params;
      this.clip = clip;
      NDManager owner = params.values().iterator().next().getManager();
      this.state = owner.newSubManager();
      for (Map.Entry<String, NDArray> e : params.entrySet()) {
        e.getValue().setRequiresGradient(true);
        m.put(e.getKey(), state.zeros(e.getValue().getShape()));
        v.put(e.getKey(), state.zeros(e.getValue().getShape()));
      }
    }

    void step(double lr) {
      step(lr, gradientNorm());
    }

    /** One update with the collected gradients, whose global norm the caller has computed. */
    void step(double lr, double norm) {
      // every temporary of the update (gradient handles, moments' quotients, squares) is created in
      // this scope and freed at its end: arrays derived from the optimiser state or the weights
      // otherwise belong to long-lived managers, which leaked about 25 MB a step (a 3,000-step run
      // reached 15 GB and was killed)
      try (NDScope scope = new NDScope()) {
        scope.suppressNotUsedWarning();
        update(lr, norm);
      }
    }

    /** The global norm of the collected gradients; not finite when one of them is not. */
    double gradientNorm() {
      try (NDScope scope = new NDScope()) {
        scope.suppressNotUsedWarning();
        return Math.sqrt(squaredNorm(null));
      }
    }

    /** Forgets the collected gradients (sets them to zero). */
    void discardGradients() {
      for (NDArray p : params.values()) {
        try (NDArray g = p.getGradient()) {
          zero(g);
        }
      }
    }

    /** Sum of squared gradients; the name of the first non-finite one goes into {@code firstNonFinite[0]}. */
    private double squaredNorm(String @Nullable [] firstNonFinite) {
      double sq = 0;
      for (Map.Entry<String, NDArray> e : params.entrySet()) {
        try (NDArray g = e.getValue().getGradient(); NDArray s2 = g.square().sum()) {
          float v = s2.getFloat();
          if (!Float.isFinite(v) && firstNonFinite != null && firstNonFinite[0] == null) {
            firstNonFinite[0] = e.getKey();
          }
          sq += v;
        }
      }
      return sq;
    }

    private void update(double lr, double norm) {
      t++;
      attempts++;
      double b1 = 0.9;
      double b2 = 0.999;
      double c1 = 1 - Math.pow(b1, t);
      double c2 = 1 - Math.pow(b2, t);
      // global gradient-norm clipping: one bad batch must not throw the weights into NaN territory
      if (!Double.isFinite(norm)) {
        // which weight first went bad, for the message (only on this rare path)
        String[] firstBad = new String[1];
        squaredNorm(firstBad);
        String bad = firstBad[0];
        // a non-finite gradient (seen about once per few hundred steps with a finite loss) is
        // skipped rather than applied; many of them mean the learning rate is too high
        skipped++;
        t--;
        discardGradients();
        if (skipped > 20 && skipped > attempts / 10) {
          throw new IllegalStateException(skipped + " non-finite gradients in " + attempts + " steps; lower the"
              + " learning rate (--lr / --vae-lr)");
        }
        say("skipped a step with gradient norm %s, first at %s (%d so far)", norm, bad, skipped);
        return;
      }
      float gradScale = clip > 0 && norm > clip ? (float) (clip / norm) : 1f;
      for (Map.Entry<String, NDArray> e : params.entrySet()) {
        NDArray p = e.getValue();
        try (NDManager step = state.newSubManager(); NDArray g = p.getGradient()) {
          NDArray mi = m.get(e.getKey());
          NDArray vi = v.get(e.getKey());
          NDArray gs = g.mul(gradScale);
          gs.attach(step);
          mi.muli((float) b1).addi(gs.mul((float) (1 - b1)));
          vi.muli((float) b2).addi(gs.square().muli((float) (1 - b2)));
          NDArray denom = vi.div((float) c2).sqrt().addi(1e-8f);
          NDArray update = mi.div((float) c1).divi(denom).muli((float) lr);
          p.subi(update);
          zero(g);
        }
      }
    }

    /** Sets a gradient to zero; multiplying by zero would keep a NaN. */
    private static void zero(NDArray g) {
      g.set(new ai.djl.ndarray.index.NDIndex(":"), 0f);
    }

    /** Stops collecting gradients for these weights and frees the optimiser state. */
    void release() {
      for (NDArray p : params.values()) {
        p.setRequiresGradient(false);
      }
      state.close();
    }
  }

  /** Exponential moving average of weights, decay ramping up to 0.995 ((1 + n) / (10 + n)). */
  private static final class Ema {
    private final Map<String, NDArray> shadow = new LinkedHashMap<>();
    private final Map<String, NDArray> params;
    private final NDManager state;

    Ema(Map<String, NDArray> params) {
      this.params = params;
      this.state = params.values().iterator().next().getManager().newSubManager();
      params.forEach((k, p) -> {
        NDArray copy = p.duplicate();
        copy.attach(state);
        shadow.put(k, copy);
      });
    }

    void update(int step) {
      float decay = (float) Math.min(0.995, (1.0 + step) / (10.0 + step));
      params.forEach((k, p) -> {
        try (NDArray scaled = p.mul(1 - decay)) {
          shadow.get(k).muli(decay).addi(scaled);
        }
      });
    }

    void copyInto(Map<String, NDArray> target) {
      target.forEach((k, p) -> p.set(shadow.get(k).toFloatArray()));
      state.close();
    }
  }
}
