package io.chatgen.diffusion.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.chatgen.core.ModelLoadException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;

/**
 * LDM's {@code UNetModel} (openaimodel.py) as SD 1.x configures it, built by walking the checkpoint's
 * {@code input_blocks}, {@code middle_block} and {@code output_blocks}: each sub-module is
 * recognised by its keys (ResBlock, SpatialTransformer, Downsample, Upsample), so the number of
 * levels, res blocks and transformer depth follow the checkpoint.
 */
final class UNet {
  private static final String P = "model.diffusion_model.";

  /** One element of a {@code TimestepEmbedSequential}. */
  interface Layer {
    NDArray apply(NDArray x, NDArray emb, NDArray context);
  }

  private final NDArray freqs;
  private final Linear time1;
  private final Linear time2;
  private final List<List<Layer>> input;
  private final List<Layer> middle;
  private final List<List<Layer>> output;
  private final GroupNorm outNorm;
  private final Conv outConv;
  final int modelChannels;
  final int inChannels;
  final int outChannels;
  final int contextDim;
  final List<Integer> channelMult;
  final int resBlocks;
  final List<Boolean> attentionLevels;
  final int transformerDepth;
  final int heads;

  private UNet(Builder b) {
    this.freqs = b.freqs;
    this.time1 = b.time1;
    this.time2 = b.time2;
    this.input = b.input;
    this.middle = b.middle;
    this.output = b.output;
    this.outNorm = b.outNorm;
    this.outConv = b.outConv;
    this.modelChannels = b.modelChannels;
    this.inChannels = b.inChannels;
    this.outChannels = (int) b.outConv.outChannels();
    this.contextDim = b.contextDim;
    this.channelMult = List.copyOf(b.mult);
    this.resBlocks = b.resBlocks;
    this.attentionLevels = List.copyOf(b.attention);
    this.transformerDepth = b.depth;
    this.heads = b.heads;
  }

  /** Number of resolution levels; latents must be divisible by 2^(levels-1). */
  int levels() {
    return channelMult.size();
  }

  private static final class Builder {
    NDArray freqs;
    Linear time1;
    Linear time2;
    List<List<Layer>> input = new ArrayList<>();
    List<Layer> middle;
    List<List<Layer>> output = new ArrayList<>();
    GroupNorm outNorm;
    Conv outConv;
    int modelChannels;
    int inChannels;
    int contextDim = -1;
    List<Integer> mult = new ArrayList<>();
    int resBlocks = -1;
    List<Boolean> attention = new ArrayList<>();
    int depth = 0;
    int heads;
    int expectedContext;
  }

  /** Loads the UNet; {@code contextDim} is the text encoder's width its cross-attention reads. */
  static UNet load(Weights w, Norms norms, NDManager manager, int heads, int contextDim) {
    Builder b = new Builder();
    b.heads = heads;
    b.expectedContext = contextDim;
    long[] convIn = w.check(P + "input_blocks.0.0.weight", Weights.ANY, Weights.ANY, 3, 3);
    long ch = convIn[0];
    b.modelChannels = (int) ch;
    b.inChannels = (int) convIn[1];
    long embDim = w.check(P + "time_embed.0.weight", Weights.ANY, ch)[0];
    b.time1 = Linear.load(w, P + "time_embed.0", embDim, ch, true);
    b.time2 = Linear.load(w, P + "time_embed.2", embDim, embDim, true);
    b.freqs = timestepFrequencies(manager, (int) ch, w);

    Deque<Long> skips = new ArrayDeque<>();
    Set<Integer> inputIds = w.indices(P + "input_blocks");
    int levelBlocks = 0;
    boolean levelAttention = false;
    for (int i = 0; i < inputIds.size(); i++) {
      String bp = P + "input_blocks." + i;
      if (!inputIds.contains(i)) {
        throw w.missing(bp + ".0.in_layers.0.weight", null);
      }
      List<Layer> block = new ArrayList<>();
      if (i == 0) {
        Conv conv = Conv.load(w, bp + ".0", ch, b.inChannels, 3, 1, 1);
        block.add((x, emb, ctx) -> conv.apply(x));
      } else {
        for (int j : w.indices(bp)) {
          String sp = bp + "." + j;
          if (w.has(sp + ".in_layers.0.weight")) {
            ResBlock r = ResBlock.load(w, norms, sp, ch, embDim);
            ch = r.outChannels;
            block.add(r);
            levelBlocks++;
            if (levelBlocks == 1) {
              b.mult.add((int) (ch / b.modelChannels));
            }
          } else if (w.has(sp + ".proj_in.weight")) {
            block.add(transformer(w, norms, sp, ch, b));
            levelAttention = true;
          } else if (w.has(sp + ".op.weight")) {
            Conv down = Conv.load(w, sp + ".op", ch, ch, 3, 2, 1);
            block.add((x, emb, ctx) -> down.apply(x));
            b.resBlocks = checkSame(b.resBlocks, levelBlocks, bp);
            b.attention.add(levelAttention);
            levelBlocks = 0;
            levelAttention = false;
          } else {
            throw new ModelLoadException("unrecognised UNet sub-module '" + sp + "'");
          }
        }
      }
      b.input.add(List.copyOf(block));
      skips.push(ch);
    }
    b.resBlocks = checkSame(b.resBlocks, levelBlocks, P + "input_blocks");
    b.attention.add(levelAttention);

    List<Layer> mid = new ArrayList<>();
    for (int j : w.indices(P + "middle_block")) {
      String sp = P + "middle_block." + j;
      if (w.has(sp + ".in_layers.0.weight")) {
        ResBlock r = ResBlock.load(w, norms, sp, ch, embDim);
        ch = r.outChannels;
        mid.add(r);
      } else if (w.has(sp + ".proj_in.weight")) {
        mid.add(transformer(w, norms, sp, ch, b));
      } else {
        throw new ModelLoadException("unrecognised UNet sub-module '" + sp + "'");
      }
    }
    if (mid.isEmpty()) {
      throw w.missing(P + "middle_block.0.in_layers.0.weight", null);
    }
    b.middle = List.copyOf(mid);

    Set<Integer> outputIds = w.indices(P + "output_blocks");
    if (outputIds.size() != b.input.size()) {
      throw new ModelLoadException("the UNet has " + b.input.size() + " input blocks but "
          + outputIds.size() + " output blocks; every skip connection needs an output block");
    }
    for (int i = 0; i < outputIds.size(); i++) {
      String bp = P + "output_blocks." + i;
      List<Layer> block = new ArrayList<>();
      long skip = skips.pop();
      for (int j : w.indices(bp)) {
        String sp = bp + "." + j;
        if (w.has(sp + ".in_layers.0.weight")) {
          ResBlock r = ResBlock.load(w, norms, sp, ch + skip, embDim);
          ch = r.outChannels;
          block.add(r);
        } else if (w.has(sp + ".proj_in.weight")) {
          block.add(transformer(w, norms, sp, ch, b));
        } else if (w.has(sp + ".conv.weight")) {
          Conv up = Conv.load(w, sp + ".conv", ch, ch, 3, 1, 1);
          block.add((x, emb, ctx) -> Scoped.run(() -> up.apply(NDArrays.upsample2x(x))));
        } else {
          throw new ModelLoadException("unrecognised UNet sub-module '" + sp + "'");
        }
      }
      b.output.add(List.copyOf(block));
    }
    b.outNorm = GroupNorm.load(w, norms, P + "out.0", ch, 1e-5f);
    b.outConv = Conv.load(w, P + "out.2", Weights.ANY, ch, 3, 1, 1);
    if (b.contextDim < 0) {
      throw new ModelLoadException("the UNet has no cross-attention (no 'proj_in' tensors): not an"
          + " SD 1.x text-to-image UNet");
    }
    return new UNet(b);
  }

  private static int checkSame(int known, int found, String where) {
    if (known >= 0 && known != found) {
      throw new ModelLoadException("UNet levels have different numbers of res blocks (" + known
          + " and " + found + " before " + where + "); ChatGen supports a fixed count per level");
    }
    return found;
  }

  private static Layer transformer(Weights w, Norms norms, String sp, long ch, Builder b) {
    SpatialTransformer t = SpatialTransformer.load(w, norms, sp, ch, b.heads, b.expectedContext);
    b.contextDim = (int) t.contextDim;
    b.depth = Math.max(b.depth, t.depth());
    return t;
  }

  /** exp(-ln(10000) * i / half) for i in [0, half), as LDM's timestep_embedding. */
  private static NDArray timestepFrequencies(NDManager manager, int dim, Weights w) {
    if (dim % 2 != 0) {
      throw new ModelLoadException("UNet width " + dim + " is odd; the timestep embedding needs an even width");
    }
    int half = dim / 2;
    float[] f = new float[half];
    for (int i = 0; i < half; i++) {
      f[i] = (float) Math.exp(-Math.log(10000.0) * i / half);
    }
    NDArray a = manager.create(f, new Shape(1, half));
    NDScope.unregister(a);
    return a;
  }

  /** Sinusoidal embedding [B, C] of float32 timesteps [B]: cat(cos, sin) as LDM orders it. */
  private NDArray timestepEmbedding(NDArray t, DataType type) {
    return Scoped.run(() -> {
      NDArray args = t.toType(DataType.FLOAT32, true).reshape(-1, 1).mul(freqs);
      NDArray e = args.cos().concat(args.sin(), 1);
      return e.toType(type, true);
    });
  }

  /** Predicts the noise of {@code x} [B, C, h, w] at timesteps {@code t} [B]. */
  NDArray apply(NDArray x, NDArray t, NDArray context) {
    return Scoped.run(() -> {
      NDArray emb = time2.apply(Activations.silu(time1.apply(timestepEmbedding(t, x.getDataType()))));
      Deque<NDArray> hs = new ArrayDeque<>();
      NDArray h = x;
      for (List<Layer> block : input) {
        h = runBlock(block, h, emb, context);
        hs.push(h);
      }
      h = runBlock(middle, h, emb, context);
      for (List<Layer> block : output) {
        NDArray skip = hs.pop();
        NDArray cat = h.concat(skip, 1);
        skip.close();
        h.close();
        h = runBlock(block, cat, emb, context);
        cat.close();
      }
      NDArray out = outConv.apply(outNorm.applySilu(h));
      return out;
    });
  }

  private static NDArray runBlock(List<Layer> block, NDArray x, NDArray emb, NDArray context) {
    NDArray h = x;
    for (Layer layer : block) {
      NDArray next = layer.apply(h, emb, context);
      if (h != x) {
        h.close();
      }
      h = next;
    }
    return h;
  }
}
