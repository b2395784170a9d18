package io.chatgen.diffusion.tiny;

import io.chatgen.diffusion.model.StableDiffusionModel;
import io.chatgen.diffusion.safetensors.TensorData;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The widths of the tiny model and its freshly initialised weights under SD 1.x's LDM key names
 * ({@code cond_stage_model.transformer.text_model.*}, {@code model.diffusion_model.*},
 * {@code first_stage_model.*}), with the same module structure as SD 1.5 (CLIP pre-LN layers;
 * UNet ResBlocks + SpatialTransformers per level, a middle block, mirrored output blocks with one
 * more block per level; VAE with one more decoder block per level and a mid attention block), only
 * narrower and shallower. Initialisation follows PyTorch's defaults (uniform within 1/sqrt(fan in))
 * with LDM's zero-initialised output convolutions, so a fresh UNet predicts zero noise.
 *
 * @param textHidden CLIP width
 * @param textLayers CLIP layers (2 lets clip skip 2 work)
 * @param textHeads CLIP heads (written to metadata)
 * @param textIntermediate CLIP MLP width
 * @param vocabSize token embedding rows
 * @param unetChannels UNet base width (a multiple of {@link #NORM_GROUPS})
 * @param unetMult UNet width per level; attention at every level
 * @param unetHeads UNet attention heads (written to metadata)
 * @param vaeChannels VAE base width (a multiple of {@link #NORM_GROUPS})
 * @param vaeMult VAE encoder width per level; the VAE shrinks the image by 2^(levels-1)
 * @param vaeDecoderWidth VAE decoder width at every level (a multiple of {@link #NORM_GROUPS})
 * @param vaeDecoderBlocks VAE decoder ResNet blocks per level (LDM uses encoder blocks + 1)
 * @param latentChannels latent channels (4, as SD)
 *
 * <p>Why GroupNorm uses {@link #NORM_GROUPS} groups (written to the checkpoint's metadata) and not
 * SD's 32: GroupNorm(32) over 32 channels is an instance norm, which removes each channel's mean
 * over the image; placed right before the encoder's and the decoder's output convolutions it erases
 * the absolute colour of flat regions, and a VAE with 32 groups did not learn colours at all
 * (reconstruction MSE stuck at the data's variance, 0.3-0.45). With 8 groups each group holds four
 * channels whose relative levels survive the normalisation.
 */
public record TinyArchitecture(int textHidden, int textLayers, int textHeads, int textIntermediate, int vocabSize,
    int unetChannels, List<Integer> unetMult, int unetHeads, int vaeChannels, List<Integer> vaeMult,
    int vaeDecoderWidth, int vaeDecoderBlocks, int latentChannels) {

  private static final String TEXT = "cond_stage_model.transformer.text_model.";
  private static final String UNET = "model.diffusion_model.";
  private static final String VAE = "first_stage_model.";
  /** CLIP's context length (the conditioner always encodes 77-token windows). */
  static final int MAX_TOKENS = 77;
  /** GroupNorm groups of the tiny model (every width is a multiple of it). */
  public static final int NORM_GROUPS = 8;

  /** Checks the widths. */
  public TinyArchitecture {
    unetMult = List.copyOf(unetMult);
    vaeMult = List.copyOf(vaeMult);
    if (textHidden % textHeads != 0 || unetChannels % NORM_GROUPS != 0
        || vaeChannels % NORM_GROUPS != 0 || vocabSize < 3
        || unetMult.isEmpty() || vaeMult.isEmpty() || latentChannels < 1 || textLayers < 1
        || vaeDecoderWidth % NORM_GROUPS != 0 || vaeDecoderBlocks < 1) {
      throw new IllegalArgumentException("invalid tiny architecture: text " + textHidden + "/" + textHeads
          + " heads, UNet " + unetChannels + ", VAE " + vaeChannels + " (GroupNorm needs multiples of " + NORM_GROUPS + ")");
    }
  }

  /** The shipped architecture for a vocabulary of {@code vocabSize} tokens. */
  public static TinyArchitecture shipped(int vocabSize) {
    return new TinyArchitecture(64, 2, 2, 128, vocabSize, 32, List.of(1, 2), 4, 32, List.of(1, 1, 2), 32, 1, 4);
  }

  /** How many image pixels one latent pixel covers per side. */
  public int vaeScaleFactor() {
    return 1 << (vaeMult.size() - 1);
  }

  /** The metadata the model loader reads (head counts, latent scale) plus a description. */
  public Map<String, String> metadata(double latentScale) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(StableDiffusionModel.META_TEXT_HEADS, Integer.toString(textHeads));
    m.put(StableDiffusionModel.META_UNET_HEADS, Integer.toString(unetHeads));
    m.put(StableDiffusionModel.META_LATENT_SCALE, Double.toString(latentScale));
    m.put(StableDiffusionModel.META_NORM_GROUPS, Integer.toString(NORM_GROUPS));
    m.put("modelspec.title", "ChatGen tiny demo model");
    m.put("modelspec.description", "trained on procedural shapes, not a community checkpoint");
    return m;
  }

  /** Freshly initialised weights, every tensor float32. */
  public Map<String, TensorData> initialWeights(long seed) {
    Init init = new Init(new SplittableRandom(seed));
    text(init);
    unet(init);
    vae(init);
    return init.out;
  }

  /**
   * Freshly initialised weights whose VAE starts as a colour-preserving pooling autoencoder instead
   * of at random: the encoder's mean is the image's RGB averaged over each
   * {@code vaeScaleFactor()}-square block (fourth latent channel zero), the decoder repeats each
   * latent pixel over its block. Training then starts from a VAE that already keeps colour and
   * position, which a randomly initialised GroupNorm VAE learns only slowly on a CPU (the
   * 2026-11-26 runs: reconstruction MSE 0.19 after 100 steps at the best learning rate, against 0.05
   * for a picture's flat mean colour).
   *
   * <p>How, with SD's layers: every residual branch starts at zero (its second convolution and the
   * attention's output projection), so blocks pass their input through; convolutions copy channels
   * (down-sampling ones average 2x2, up-sampling ones follow nearest-neighbour doubling). The only
   * non-linear steps left are the final GroupNorm + SiLU of encoder and decoder; each colour value
   * {@code v} travels with its negation and a large constant pair {@code ±C} in its norm group, so
   * the GroupNorm scales {@code v} by a near-constant (relative error below {@code 1/(2 C^2)}) that the
   * norm's weight undoes, and {@code silu(v) - silu(-v) = v} exactly.
   */
  public Map<String, TensorData> initialWeightsWithPoolingVae(long seed) {
    Map<String, TensorData> w = initialWeights(seed);
    new PoolingVae(w).build();
    return w;
  }

  /** Writes the pooling autoencoder's VAE tensors over freshly initialised ones (same shapes). */
  private final class PoolingVae {
    /** The carrier constant: large against colour values in [-1, 1]. */
    private static final float C = 24f;
    private final Map<String, TensorData> w;

    PoolingVae(Map<String, TensorData> w) {
      this.w = w;
    }

    private float[] zeros(String key) {
      return new float[Math.toIntExact(Init.count(w.get(key).shape()))];
    }

    private void set(String key, float[] v) {
      w.put(key, TensorData.ofFloats(w.get(key).shape(), v));
    }

    /** Channel index of slot {@code slot} (0: v, 1: -v, 2: C, 3: -C) of colour {@code c} at width {@code width}. */
    private static int channel(int width, int colour, int slot) {
      return colour * (width / NORM_GROUPS) + slot;
    }

    /** A 3x3 convolution [out, in, 3, 3] entry. */
    private static int tap(long in, int o, int i, int ky, int kx) {
      return (int) (((o * in + i) * 3 + ky) * 3 + kx);
    }

    /** Residual branch off: the block returns its input (through its shortcut when widths differ). */
    private void identityResnet(String p, int inCh, int out) {
      set(p + ".conv2.weight", zeros(p + ".conv2.weight"));
      set(p + ".conv2.bias", zeros(p + ".conv2.bias"));
      if (inCh != out) {
        float[] s = zeros(p + ".nin_shortcut.weight");
        for (int c = 0; c < 3; c++) {
          for (int slot = 0; slot < 4; slot++) {
            s[channel(out, c, slot) * inCh + channel(inCh, c, slot)] = 1f;
          }
        }
        set(p + ".nin_shortcut.weight", s);
        set(p + ".nin_shortcut.bias", zeros(p + ".nin_shortcut.bias"));
      }
    }

    private void identityMid(String p) {
      identityResnet(p + ".block_1", 1, 1);
      set(p + ".attn_1.proj_out.weight", zeros(p + ".attn_1.proj_out.weight"));
      set(p + ".attn_1.proj_out.bias", zeros(p + ".attn_1.proj_out.bias"));
      identityResnet(p + ".block_2", 1, 1);
    }

    /** A channel-copying 3x3 convolution; {@code taps} are the kernel positions sharing weight 1/taps. */
    private void copyConv(String p, int width, int[][] taps) {
      float[] k = zeros(p + ".weight");
      for (int c = 0; c < width; c++) {
        for (int[] t : taps) {
          k[tap(width, c, c, t[0], t[1])] = 1f / taps.length;
        }
      }
      set(p + ".weight", k);
      set(p + ".bias", zeros(p + ".bias"));
    }

    /** GroupNorm whose weight undoes the carrier's scaling: sigma = C * sqrt(2 / groupSize). */
    private void carrierNorm(String p, int width) {
      float[] g = new float[width];
      java.util.Arrays.fill(g, (float) (C * Math.sqrt(2.0 / (width / NORM_GROUPS))));
      set(p + ".weight", g);
      set(p + ".bias", zeros(p + ".bias"));
    }

    /** conv_in: colour c (input channel c) to its four slots, the constants from the bias. */
    private void carrierIn(String p, int width, int inChannels) {
      float[] k = zeros(p + ".weight");
      float[] b = zeros(p + ".bias");
      for (int c = 0; c < 3; c++) {
        k[tap(inChannels, channel(width, c, 0), c, 1, 1)] = 1f;
        k[tap(inChannels, channel(width, c, 1), c, 1, 1)] = -1f;
        b[channel(width, c, 2)] = C;
        b[channel(width, c, 3)] = -C;
      }
      set(p + ".weight", k);
      set(p + ".bias", b);
    }

    /** conv_out: silu(v) - silu(-v) = v for each colour into output channel c. */
    private void carrierOut(String p, int width, float[] bias) {
      float[] k = zeros(p + ".weight");
      for (int c = 0; c < 3; c++) {
        k[tap(width, c, channel(width, c, 0), 1, 1)] = 1f;
        k[tap(width, c, channel(width, c, 1), 1, 1)] = -1f;
      }
      set(p + ".weight", k);
      set(p + ".bias", bias);
    }

    void build() {
      if (latentChannels < 3 || vaeDecoderBlocks < 1) {
        throw new IllegalStateException("the pooling VAE needs at least 3 latent channels");
      }
      String e = VAE + "encoder.";
      int ch = vaeChannels;
      carrierIn(e + "conv_in", ch, 3);
      for (int level = 0; level < vaeMult.size(); level++) {
        int out = vaeChannels * vaeMult.get(level);
        identityResnet(e + "down." + level + ".block.0", ch, out);
        ch = out;
        if (level < vaeMult.size() - 1) {
          // after padding right and bottom, stride 2 reads rows 2i..2i+2: taps 0 and 1 average 2x2
          copyConv(e + "down." + level + ".downsample.conv", ch, new int[][] {{0, 0}, {0, 1}, {1, 0}, {1, 1}});
        }
      }
      identityMid(e + "mid");
      carrierNorm(e + "norm_out", ch);
      float[] moments = new float[2 * latentChannels];
      carrierOut(e + "conv_out", ch, moments);
      float[] q = zeros(VAE + "quant_conv.weight");
      for (int i = 0; i < 2 * latentChannels; i++) {
        q[i * 2 * latentChannels + i] = 1f;
      }
      set(VAE + "quant_conv.weight", q);
      set(VAE + "quant_conv.bias", zeros(VAE + "quant_conv.bias"));
      float[] pq = zeros(VAE + "post_quant_conv.weight");
      for (int i = 0; i < latentChannels; i++) {
        pq[i * latentChannels + i] = 1f;
      }
      set(VAE + "post_quant_conv.weight", pq);
      set(VAE + "post_quant_conv.bias", zeros(VAE + "post_quant_conv.bias"));

      String d = VAE + "decoder.";
      carrierIn(d + "conv_in", ch, latentChannels);
      identityMid(d + "mid");
      for (int level = vaeMult.size() - 1; level >= 0; level--) {
        for (int j = 0; j < vaeDecoderBlocks; j++) {
          identityResnet(d + "up." + level + ".block." + j, ch, vaeDecoderWidth);
          ch = vaeDecoderWidth;
        }
        if (level > 0) {
          copyConv(d + "up." + level + ".upsample.conv", ch, new int[][] {{1, 1}});
        }
      }
      carrierNorm(d + "norm_out", ch);
      carrierOut(d + "conv_out", ch, new float[3]);
    }
  }

  private static final class Init {
    final SplittableRandom rnd;
    final Map<String, TensorData> out = new LinkedHashMap<>();

    Init(SplittableRandom rnd) {
      this.rnd = rnd;
    }

    void put(String key, long[] shape, float[] v) {
      if (out.put(key, TensorData.ofFloats(shape, v)) != null) {
        throw new IllegalStateException("duplicate tensor " + key);
      }
    }

    void constant(String key, float value, long... shape) {
      float[] v = new float[(int) count(shape)];
      java.util.Arrays.fill(v, value);
      put(key, shape, v);
    }

    void uniform(String key, double bound, long... shape) {
      float[] v = new float[(int) count(shape)];
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
      }
      put(key, shape, v);
    }

    void normal(String key, double std, long... shape) {
      float[] v = new float[(int) count(shape)];
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) (rnd.nextGaussian() * std);
      }
      put(key, shape, v);
    }

    /** PyTorch's default for Linear/Conv: weight and bias uniform within 1/sqrt(fan in). */
    void layer(String prefix, boolean bias, long... shape) {
      long fanIn = count(shape) / shape[0];
      double bound = 1 / Math.sqrt(fanIn);
      uniform(prefix + ".weight", bound, shape);
      if (bias) {
        uniform(prefix + ".bias", bound, shape[0]);
      }
    }

    /** LDM's zero_module: the layer starts as zero so its residual branch starts as the identity. */
    void zeroLayer(String prefix, long... shape) {
      constant(prefix + ".weight", 0f, shape);
      constant(prefix + ".bias", 0f, shape[0]);
    }

    void norm(String prefix, long channels) {
      constant(prefix + ".weight", 1f, channels);
      constant(prefix + ".bias", 0f, channels);
    }

    static long count(long[] shape) {
      long n = 1;
      for (long d : shape) {
        n *= d;
      }
      return n;
    }
  }

  private void text(Init in) {
    long h = textHidden;
    in.normal(TEXT + "embeddings.token_embedding.weight", 0.02, vocabSize, h);
    in.normal(TEXT + "embeddings.position_embedding.weight", 0.01, MAX_TOKENS, h);
    for (int i = 0; i < textLayers; i++) {
      String l = TEXT + "encoder.layers." + i + ".";
      in.norm(l + "layer_norm1", h);
      for (String p : List.of("q_proj", "k_proj", "v_proj", "out_proj")) {
        in.layer(l + "self_attn." + p, true, h, h);
      }
      in.norm(l + "layer_norm2", h);
      in.layer(l + "mlp.fc1", true, textIntermediate, h);
      in.layer(l + "mlp.fc2", true, h, textIntermediate);
    }
    in.norm(TEXT + "final_layer_norm", h);
  }

  private void unet(Init in) {
    long c = unetChannels;
    long emb = 4 * c;
    in.layer(UNET + "time_embed.0", true, emb, c);
    in.layer(UNET + "time_embed.2", true, emb, emb);
    in.layer(UNET + "input_blocks.0.0", true, c, latentChannels, 3, 3);
    java.util.ArrayDeque<Long> skips = new java.util.ArrayDeque<>();
    skips.push(c);
    long ch = c;
    int block = 1;
    for (int level = 0; level < unetMult.size(); level++) {
      long out = c * unetMult.get(level);
      resBlock(in, UNET + "input_blocks." + block + ".0", ch, out, emb);
      ch = out;
      transformer(in, UNET + "input_blocks." + block + ".1", ch);
      skips.push(ch);
      block++;
      if (level < unetMult.size() - 1) {
        in.layer(UNET + "input_blocks." + block + ".0.op", true, ch, ch, 3, 3);
        skips.push(ch);
        block++;
      }
    }
    resBlock(in, UNET + "middle_block.0", ch, ch, emb);
    transformer(in, UNET + "middle_block.1", ch);
    resBlock(in, UNET + "middle_block.2", ch, ch, emb);
    block = 0;
    for (int level = unetMult.size() - 1; level >= 0; level--) {
      long out = c * unetMult.get(level);
      for (int i = 0; i < 2; i++) {
        String p = UNET + "output_blocks." + block;
        resBlock(in, p + ".0", ch + skips.pop(), out, emb);
        ch = out;
        transformer(in, p + ".1", ch);
        if (level > 0 && i == 1) {
          in.layer(p + ".2.conv", true, ch, ch, 3, 3);
        }
        block++;
      }
    }
    in.norm(UNET + "out.0", ch);
    in.zeroLayer(UNET + "out.2", latentChannels, ch, 3, 3);
  }

  private static void resBlock(Init in, String p, long inCh, long out, long emb) {
    in.norm(p + ".in_layers.0", inCh);
    in.layer(p + ".in_layers.2", true, out, inCh, 3, 3);
    in.layer(p + ".emb_layers.1", true, out, emb);
    in.norm(p + ".out_layers.0", out);
    in.zeroLayer(p + ".out_layers.3", out, out, 3, 3);
    if (inCh != out) {
      in.layer(p + ".skip_connection", true, out, inCh, 1, 1);
    }
  }

  private void transformer(Init in, String p, long ch) {
    in.norm(p + ".norm", ch);
    in.layer(p + ".proj_in", true, ch, ch, 1, 1);
    String b = p + ".transformer_blocks.0.";
    in.norm(b + "norm1", ch);
    in.layer(b + "attn1.to_q", false, ch, ch);
    in.layer(b + "attn1.to_k", false, ch, ch);
    in.layer(b + "attn1.to_v", false, ch, ch);
    in.layer(b + "attn1.to_out.0", true, ch, ch);
    in.norm(b + "norm2", ch);
    in.layer(b + "attn2.to_q", false, ch, ch);
    in.layer(b + "attn2.to_k", false, ch, textHidden);
    in.layer(b + "attn2.to_v", false, ch, textHidden);
    in.layer(b + "attn2.to_out.0", true, ch, ch);
    in.norm(b + "norm3", ch);
    in.layer(b + "ff.net.0.proj", true, 8 * ch, ch);
    in.layer(b + "ff.net.2", true, ch, 4 * ch);
    in.zeroLayer(p + ".proj_out", ch, ch, 1, 1);
  }

  private void vae(Init in) {
    long base = vaeChannels;
    String e = VAE + "encoder.";
    in.layer(e + "conv_in", true, base, 3, 3, 3);
    long ch = base;
    for (int level = 0; level < vaeMult.size(); level++) {
      long out = base * vaeMult.get(level);
      vaeResnet(in, e + "down." + level + ".block.0", ch, out);
      ch = out;
      if (level < vaeMult.size() - 1) {
        in.layer(e + "down." + level + ".downsample.conv", true, ch, ch, 3, 3);
      }
    }
    vaeMid(in, e + "mid", ch);
    in.norm(e + "norm_out", ch);
    in.layer(e + "conv_out", true, 2L * latentChannels, ch, 3, 3);
    in.layer(VAE + "quant_conv", true, 2L * latentChannels, 2L * latentChannels, 1, 1);
    in.layer(VAE + "post_quant_conv", true, latentChannels, latentChannels, 1, 1);
    String d = VAE + "decoder.";
    // the loader expects the decoder's first width to be the encoder's last
    in.layer(d + "conv_in", true, ch, latentChannels, 3, 3);
    vaeMid(in, d + "mid", ch);
    for (int level = vaeMult.size() - 1; level >= 0; level--) {
      long out = vaeDecoderWidth;
      for (int j = 0; j < vaeDecoderBlocks; j++) {
        vaeResnet(in, d + "up." + level + ".block." + j, ch, out);
        ch = out;
      }
      if (level > 0) {
        in.layer(d + "up." + level + ".upsample.conv", true, ch, ch, 3, 3);
      }
    }
    in.norm(d + "norm_out", ch);
    in.layer(d + "conv_out", true, 3, ch, 3, 3);
  }

  private static void vaeResnet(Init in, String p, long inCh, long out) {
    in.norm(p + ".norm1", inCh);
    in.layer(p + ".conv1", true, out, inCh, 3, 3);
    in.norm(p + ".norm2", out);
    in.layer(p + ".conv2", true, out, out, 3, 3);
    if (inCh != out) {
      in.layer(p + ".nin_shortcut", true, out, inCh, 1, 1);
    }
  }

  private static void vaeMid(Init in, String p, long ch) {
    vaeResnet(in, p + ".block_1", ch, ch);
    in.norm(p + ".attn_1.norm", ch);
    for (String x : List.of("q", "k", "v", "proj_out")) {
      in.layer(p + ".attn_1." + x, true, ch, ch, 1, 1);
    }
    vaeResnet(in, p + ".block_2", ch, ch);
  }
}
