package io.chatgen.diffusion.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import io.chatgen.core.ModelLoadException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * LDM's {@code SpatialTransformer}: GroupNorm, a pointwise projection in, transformer blocks of
 * self-attention, cross-attention to the text context and a GEGLU feed-forward (each pre-LN with a
 * residual), a pointwise projection out and the residual. The projections are stored as 1x1
 * convolutions in SD 1.x and as matrices in later models; both load as matrices applied to tokens,
 * which is the same computation.
 */
final class SpatialTransformer implements UNet.Layer {
  private static final float GN_EPS = 1e-6f;
  private static final float LN_EPS = 1e-5f;

  private record Block(NDArray n1g, NDArray n1b, Attention self, NDArray n2g, NDArray n2b,
      Attention cross, NDArray n3g, NDArray n3b, Linear geglu, Linear ffOut) {}

  private final GroupNorm norm;
  private final Linear projIn;
  private final List<Block> blocks;
  private final Linear projOut;
  final long contextDim;

  private SpatialTransformer(GroupNorm norm, Linear projIn, List<Block> blocks, Linear projOut,
      long contextDim) {
    this.norm = norm;
    this.projIn = projIn;
    this.blocks = blocks;
    this.projOut = projOut;
    this.contextDim = contextDim;
  }

  int depth() {
    return blocks.size();
  }

  static SpatialTransformer load(Weights w, Norms norms, String p, long ch, int heads, long ctx) {
    GroupNorm gn = GroupNorm.load(w, norms, p + ".norm", ch, GN_EPS);
    Linear in = Linear.load(w, p + ".proj_in", Weights.ANY, ch, true);
    long inner = in.outFeatures();
    if (inner % heads != 0) {
      throw new ModelLoadException("tensor '" + p + ".proj_in.weight' gives an attention width of "
          + inner + ", not divisible by " + heads + " heads; set safetensors metadata"
          + " 'chatgen.unet.num_heads' to a divisor");
    }
    Set<Integer> ids = w.indices(p + ".transformer_blocks");
    if (ids.isEmpty()) {
      throw w.missing(p + ".transformer_blocks.0.attn1.to_q.weight", new long[] {inner, inner});
    }
    List<Block> blocks = new ArrayList<>();
    for (int i = 0; i < ids.size(); i++) {
      String b = p + ".transformer_blocks." + i;
      Attention self = new Attention(
          Linear.load(w, b + ".attn1.to_q", inner, inner, false),
          Linear.load(w, b + ".attn1.to_k", inner, inner, false),
          Linear.load(w, b + ".attn1.to_v", inner, inner, false),
          Linear.load(w, b + ".attn1.to_out.0", inner, inner, true), heads);
      Attention cross = new Attention(
          Linear.load(w, b + ".attn2.to_q", inner, inner, false),
          Linear.load(w, b + ".attn2.to_k", inner, ctx, false),
          Linear.load(w, b + ".attn2.to_v", inner, ctx, false),
          Linear.load(w, b + ".attn2.to_out.0", inner, inner, true), heads);
      Linear geglu = Linear.load(w, b + ".ff.net.0.proj", Weights.ANY, inner, true);
      long ff = geglu.outFeatures() / 2;
      Linear ffOut = Linear.load(w, b + ".ff.net.2", inner, ff, true);
      blocks.add(new Block(w.get(b + ".norm1.weight", inner), w.get(b + ".norm1.bias", inner), self,
          w.get(b + ".norm2.weight", inner), w.get(b + ".norm2.bias", inner), cross,
          w.get(b + ".norm3.weight", inner), w.get(b + ".norm3.bias", inner), geglu, ffOut));
    }
    Linear out = Linear.load(w, p + ".proj_out", ch, inner, true);
    return new SpatialTransformer(gn, in, List.copyOf(blocks), out, ctx);
  }

  @Override
  public NDArray apply(NDArray x, NDArray emb, NDArray context) {
    return Scoped.run(() -> {
      long b = x.getShape().get(0);
      long c = x.getShape().get(1);
      long hgt = x.getShape().get(2);
      long wid = x.getShape().get(3);
      NDArray tokens = norm.apply(x).reshape(b, c, hgt * wid).transpose(0, 2, 1);
      NDArray h = projIn.apply(tokens);
      for (Block block : blocks) {
        NDArray in = h;
        h = Scoped.run(() -> blockForward(block, in, context));
        in.close();
      }
      // back to an image in the standard layout (the transposed view has channels-last strides)
      NDArray out = NDArrays.standardLayout(projOut.apply(h).transpose(0, 2, 1).reshape(b, c, hgt, wid));
      return out.add(x);
    });
  }

  private static NDArray blockForward(Block k, NDArray x, NDArray context) {
    NDArray a = k.self.apply(Norms.layerNorm(x, k.n1g, k.n1b, LN_EPS), null, null).addi(x);
    NDArray c = k.cross.apply(Norms.layerNorm(a, k.n2g, k.n2b, LN_EPS), context, null).addi(a);
    a.close();
    NDList halves = k.geglu.apply(Norms.layerNorm(c, k.n3g, k.n3b, LN_EPS)).split(2, 2);
    NDArray gated = halves.get(0).mul(Activations.gelu(halves.get(1)));
    halves.close();
    return k.ffOut.apply(gated).addi(c);
  }
}
