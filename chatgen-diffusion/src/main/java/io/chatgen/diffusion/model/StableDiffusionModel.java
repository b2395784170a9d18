package io.chatgen.diffusion.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.chatgen.core.InvalidRequestException;
import io.chatgen.core.ModelLoadException;
import io.chatgen.diffusion.safetensors.SafetensorsFile;
import io.chatgen.diffusion.safetensors.SafetensorsReader;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SD 1.x text encoder + UNet + VAE built from an LDM-layout single-file checkpoint
 * ({@code .safetensors}), computed with DJL NDArray operations on the PyTorch engine.
 *
 * <p>All weights are read at {@link #load} (memory-mapped one tensor at a time, converted to the
 * compute type) and owned by this model's {@link NDManager}; {@link #close()} frees them. Each
 * forward call frees its intermediate arrays as it goes and returns a float32 array attached to the
 * manager of its first argument, on that argument's device.
 *
 * <p>Precision: on a GPU, {@link DataType#FLOAT16} stores weights and computes in half precision;
 * on the CPU half precision is slow or unsupported for several kernels, so a FLOAT16 request loads
 * the (possibly F16/BF16) weights as float32 and computes in float32.
 *
 * <p>Not thread-safe for concurrent forward calls: calls share no state except the weights, but
 * DJL's {@link NDScope} bookkeeping is per thread and the engine already uses all cores for one
 * call, so serialise calls (one model per request thread, or a lock).
 */
public final class StableDiffusionModel implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StableDiffusionModel.class);

  /** Metadata key overriding the UNet's attention heads (SD 1.x: 8). */
  public static final String META_UNET_HEADS = "chatgen.unet.num_heads";
  /** Metadata key overriding the text encoder's heads (default hidden/64). */
  public static final String META_TEXT_HEADS = "chatgen.text.num_heads";
  /** Metadata key overriding the latent scaling factor (default 0.18215). */
  public static final String META_LATENT_SCALE = "chatgen.latent_scaling_factor";
  /** Metadata key overriding the GroupNorm group count of UNet and VAE (default 32, as SD). */
  public static final String META_NORM_GROUPS = "chatgen.norm_groups";

  private final NDManager manager;
  private final Norms norms;
  private final ClipTextEncoder text;
  private final UNet unet;
  private final Vae vae;
  private final ModelConfig config;
  private final DataType computeType;
  private final Path source;
  private final Map<String, NDArray> parameters;
  private volatile boolean closed;

  private StableDiffusionModel(Path source, NDManager manager, Norms norms, ClipTextEncoder text,
      UNet unet, Vae vae, DataType computeType, double latentScale, Map<String, NDArray> parameters) {
    this.source = source;
    this.parameters = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(parameters));
    this.manager = manager;
    this.norms = norms;
    this.text = text;
    this.unet = unet;
    this.vae = vae;
    this.computeType = computeType;
    this.config = new ModelConfig(text.hidden, text.layers(), text.heads, text.intermediate,
        text.maxTokens, text.vocab, unet.inChannels, unet.outChannels, unet.modelChannels,
        unet.channelMult, unet.resBlocks, unet.attentionLevels, unet.transformerDepth, unet.heads,
        unet.contextDim, vae.latentChannels, vae.baseChannels, vae.channelMult, vae.resBlocks,
        vae.scaleFactor(), latentScale);
    if (config.contextDim() != config.textHiddenSize()) {
      throw new ModelLoadException(source + ": the UNet attends to a context of width "
          + config.contextDim() + " but the text encoder produces " + config.textHiddenSize());
    }
    if (config.unetInChannels() != config.latentChannels()) {
      throw new ModelLoadException(source + ": the UNet reads " + config.unetInChannels()
          + " latent channels but the VAE produces " + config.latentChannels());
    }
  }

  /** The GroupNorm group count of UNet and VAE (32, or the checkpoint's {@link #META_NORM_GROUPS}). */
  int normGroups() {
    return norms.groups();
  }

  /**
   * Loads an SD 1.x checkpoint.
   *
   * @param checkpoint a {@code .safetensors} file in the LDM key layout (pickle files are refused)
   * @param device where weights live and computation runs
   * @param dtype {@link DataType#FLOAT32} or {@link DataType#FLOAT16} (half precision on GPU only,
   *     see the class documentation)
   * @throws ModelLoadException if the file is missing, a pickle, or lacks or misshapes a tensor
   * @throws io.chatgen.core.DataFormatException if the file is not valid safetensors
   */
  public static StableDiffusionModel load(Path checkpoint, Device device, DataType dtype) {
    if (dtype != DataType.FLOAT32 && dtype != DataType.FLOAT16) {
      throw new IllegalArgumentException("dtype must be FLOAT32 or FLOAT16, was " + dtype);
    }
    DataType compute = dtype == DataType.FLOAT16 && device.isGpu() ? DataType.FLOAT16 : DataType.FLOAT32;
    if (dtype != compute) {
      log.info("FLOAT16 requested on {}: computing in FLOAT32 (half precision is for GPUs)", device);
    }
    long start = System.nanoTime();
    NDManager manager = NDManager.newBaseManager(device);
    try (SafetensorsFile file = SafetensorsReader.open(checkpoint); NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      Weights w = new Weights(file, manager, compute);
      Map<String, String> meta = file.metadata();
      Norms norms = new Norms(manager, intMeta(meta, META_NORM_GROUPS, GroupNorm.GROUPS, checkpoint));
      ClipTextEncoder text = ClipTextEncoder.load(w, manager, intMeta(meta, META_TEXT_HEADS, 0, checkpoint));
      UNet unet = UNet.load(w, norms, manager, intMeta(meta, META_UNET_HEADS, 8, checkpoint), text.hidden);
      Vae vae = Vae.load(w, norms);
      double scale = ModelConfig.SD1_LATENT_SCALING;
      if (meta.containsKey(META_LATENT_SCALE)) {
        try {
          scale = Double.parseDouble(meta.get(META_LATENT_SCALE));
        } catch (NumberFormatException e) {
          throw new ModelLoadException(checkpoint + ": metadata " + META_LATENT_SCALE + " is not a number: "
              + meta.get(META_LATENT_SCALE), e);
        }
      }
      StableDiffusionModel model = new StableDiffusionModel(checkpoint, manager, norms, text, unet, vae,
          compute, scale, w.loaded());
      log.info("loaded {} in {} ms: {}", checkpoint, (System.nanoTime() - start) / 1_000_000, model.config);
      return model;
    } catch (RuntimeException e) {
      manager.close();
      if (e instanceof io.chatgen.core.ChatGenException || e instanceof IllegalArgumentException) {
        throw e;
      }
      throw new ModelLoadException("cannot load " + checkpoint + ": " + e.getMessage(), e);
    }
  }

  private static int intMeta(Map<String, String> meta, String key, int fallback, Path file) {
    String v = meta.get(key);
    if (v == null) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(v.trim());
      if (n <= 0) {
        throw new NumberFormatException("not positive");
      }
      return n;
    } catch (NumberFormatException e) {
      throw new ModelLoadException(file + ": metadata " + key + " must be a positive integer, was '" + v + "'", e);
    }
  }

  /** The architecture read from the checkpoint. */
  public ModelConfig config() {
    return config;
  }

  /** The manager that owns the weights (closed by {@link #close()}). */
  public NDManager manager() {
    return manager;
  }

  /** The file the model was loaded from. */
  public Path source() {
    return source;
  }

  /**
   * The live weight arrays the forward passes compute with, keyed by their checkpoint tensor name
   * (read-only map, arrays owned by this model). For training tools (the embedded tiny model's
   * trainer attaches gradients to them and updates them in place); inference never needs it.
   * Shapes are those the layers use, which differ from the file's for two kinds of tensor:
   * GroupNorm scale and shift are [C, 1, 1] instead of [C], and 1x1 projection kernels stored as
   * [out, in, 1, 1] are [out, in]; reshape to the file's shape before writing them back.
   */
  public Map<String, NDArray> parameters() {
    ensureOpen();
    return parameters;
  }

  /** The type weights are stored and computed in (FLOAT16 only on a GPU). */
  public DataType computeType() {
    return computeType;
  }

  /**
   * Encodes token ids [B, T] (int32 or int64, T at most {@code maxTokens}, usually 77) into the
   * text context [B, T, hidden], float32, attached to {@code tokenIds}' manager.
   *
   * @param clipSkip 1 = last layer; A1111 semantics for n > 1: the hidden state n-from-last, then
   *     the final layer norm
   * @throws InvalidRequestException if shapes, ids or clipSkip are out of range
   */
  public NDArray encodeText(NDArray tokenIds, int clipSkip) {
    ensureOpen();
    Shape s = tokenIds.getShape();
    if (s.dimension() != 2 || s.get(1) < 1 || s.get(1) > config.maxTokens() || s.get(0) < 1) {
      throw new InvalidRequestException("token ids must have shape [B, T] with 1 <= T <= "
          + config.maxTokens() + ", was " + s);
    }
    if (!tokenIds.getDataType().isInteger()) {
      throw new InvalidRequestException("token ids must be int32 or int64, were " + tokenIds.getDataType());
    }
    if (clipSkip < 1 || clipSkip > config.textLayers()) {
      throw new InvalidRequestException("clip skip must be in 1.." + config.textLayers() + ", was " + clipSkip);
    }
    try (NDArray min = tokenIds.min(); NDArray max = tokenIds.max();
        NDArray minLong = min.toType(DataType.INT64, true); NDArray maxLong = max.toType(DataType.INT64, true)) {
      long lo = minLong.getLong();
      long hi = maxLong.getLong();
      if (lo < 0 || hi >= config.vocabSize()) {
        throw new InvalidRequestException("token ids must be in [0, " + config.vocabSize() + "), found "
            + lo + ".." + hi + "; the tokenizer does not match this checkpoint");
      }
    }
    return run(tokenIds, () -> text.encode(onDevice(tokenIds, tokenIds.getDataType()), clipSkip));
  }

  /**
   * Predicts the noise (epsilon) in {@code latents} [B, C, h, w] at discrete DDPM timesteps
   * {@code timesteps} [B] (float32, 0..999, may be fractional; a single value is used for every
   * sample), conditioned on {@code context} [B, T, hidden] (T may be a multiple of 77). h and w must
   * be multiples of 2^(UNet levels - 1) (8 for SD 1.x). Returns float32 [B, C, h, w].
   *
   * @throws InvalidRequestException if shapes do not match the model
   */
  public NDArray predictNoise(NDArray latents, NDArray timesteps, NDArray context) {
    ensureOpen();
    Shape ls = latents.getShape();
    int mult = 1 << config.unetDownsamplings();
    if (ls.dimension() != 4 || ls.get(1) != config.unetInChannels() || ls.get(2) % mult != 0
        || ls.get(3) % mult != 0 || ls.get(0) < 1 || ls.get(2) < 1 || ls.get(3) < 1) {
      throw new InvalidRequestException("latents must have shape [B, " + config.unetInChannels()
          + ", h, w] with h and w multiples of " + mult + ", was " + ls);
    }
    long b = ls.get(0);
    Shape ts = timesteps.getShape();
    if (ts.dimension() > 1 || (ts.size() != b && ts.size() != 1)) {
      throw new InvalidRequestException("timesteps must have shape [" + b + "] or [1], was " + ts);
    }
    Shape cs = context.getShape();
    if (cs.dimension() != 3 || cs.get(0) != b || cs.get(2) != config.contextDim() || cs.get(1) < 1) {
      throw new InvalidRequestException("context must have shape [" + b + ", T, " + config.contextDim()
          + "], was " + cs);
    }
    return run(latents, () -> {
      NDArray t = onDevice(timesteps, DataType.FLOAT32).reshape(-1);
      if (t.getShape().get(0) != b) {
        t = t.repeat(0, b);
      }
      return unet.apply(onDevice(latents, computeType), t, onDevice(context, computeType));
    });
  }

  /**
   * Decodes sampled latents [B, C, h, w] (NOT yet divided by the scaling factor) into images
   * [B, 3, h*f, w*f] clamped to [-1, 1], float32.
   */
  public NDArray decodeLatents(NDArray latents) {
    return run(latents, () -> decodeUnclamped(latents).clip(-1.0, 1.0));
  }

  /**
   * As {@link #decodeLatents} without the final clamp: the reference comparison needs it, and the
   * tiny-model trainer backpropagates through it (a clamp has no gradient outside [-1, 1]).
   */
  public NDArray decodeLatentsUnclamped(NDArray latents) {
    return run(latents, () -> decodeUnclamped(latents));
  }

  private NDArray decodeUnclamped(NDArray latents) {
    ensureOpen();
    Shape s = latents.getShape();
    if (s.dimension() != 4 || s.get(1) != config.latentChannels() || s.get(0) < 1) {
      throw new InvalidRequestException("latents must have shape [B, " + config.latentChannels()
          + ", h, w], was " + s);
    }
    NDArray z = Scalars.dividedBy(onDevice(latents, computeType), config.latentScalingFactor());
    return vae.decode(z);
  }

  /**
   * Encodes images [B, 3, H, W] in [-1, 1] (H and W multiples of the VAE scale factor) into
   * latents: the posterior mean times the scaling factor, float32 [B, C, H/f, W/f].
   */
  public NDArray encodeImages(NDArray images) {
    ensureOpen();
    Shape s = images.getShape();
    int f = config.vaeScaleFactor();
    if (s.dimension() != 4 || s.get(1) != 3 || s.get(2) % f != 0 || s.get(3) % f != 0 || s.get(0) < 1
        || s.get(2) < 1) {
      throw new InvalidRequestException("images must have shape [B, 3, H, W] with H and W multiples of "
          + f + ", was " + s);
    }
    return run(images,
        () -> Scalars.times(vae.encodeMean(onDevice(images, computeType)), config.latentScalingFactor()));
  }

  /** Runs a forward pass in a scope that frees everything but the result, returned as the caller expects. */
  private NDArray run(NDArray callerArray, Supplier<NDArray> body) {
    NDManager callerManager = callerArray.getManager();
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      NDArray out = body.get();
      NDArray result = out.toType(DataType.FLOAT32, false).toDevice(callerArray.getDevice(), false);
      NDScope.unregister(result);
      result.attach(callerManager);
      return result;
    }
  }

  /** The input on the model's device in the given type; may return the input itself. */
  private NDArray onDevice(NDArray x, DataType type) {
    NDArray d = x.getDevice().equals(manager.getDevice()) ? x : x.toDevice(manager.getDevice(), true);
    return d.getDataType() == type ? d : d.toType(type, true);
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("the model loaded from " + source + " is closed");
    }
  }

  /** Whether {@link #close()} was called. */
  public boolean isClosed() {
    return closed;
  }

  /** Frees all weights (closes the model's manager). Idempotent. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      norms.clear();
      manager.close();
    }
  }
}
