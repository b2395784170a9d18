package io.chatgen.diffusion.model;

import ai.djl.ndarray.NDArray;
import org.jspecify.annotations.Nullable;

/**
 * LDM's UNet {@code ResBlock}: GroupNorm-SiLU-conv, plus the projected timestep embedding, then
 * GroupNorm-SiLU-conv, with a 1x1 skip convolution when the width changes.
 */
final class ResBlock implements UNet.Layer {
  private static final float EPS = 1e-5f;

  private final GroupNorm norm1;
  private final Conv conv1;
  private final Linear embProj;
  private final GroupNorm norm2;
  private final Conv conv2;
  private final @Nullable Conv skip;
  final long outChannels;

  private ResBlock(GroupNorm norm1, Conv conv1, Linear embProj, GroupNorm norm2, Conv conv2,
      @Nullable Conv skip) {
    this.norm1 = norm1;
    this.conv1 = conv1;
    this.embProj = embProj;
    this.norm2 = norm2;
    this.conv2 = conv2;
    this.skip = skip;
    this.outChannels = conv1.outChannels();
  }

  static ResBlock load(Weights w, Norms norms, String p, long in, long embDim) {
    GroupNorm n1 = GroupNorm.load(w, norms, p + ".in_layers.0", in, EPS);
    Conv c1 = Conv.load(w, p + ".in_layers.2", Weights.ANY, in, 3, 1, 1);
    long out = c1.outChannels();
    Linear e = Linear.load(w, p + ".emb_layers.1", out, embDim, true);
    GroupNorm n2 = GroupNorm.load(w, norms, p + ".out_layers.0", out, EPS);
    Conv c2 = Conv.load(w, p + ".out_layers.3", out, out, 3, 1, 1);
    Conv s = null;
    if (in != out || w.has(p + ".skip_connection.weight")) {
      s = Conv.load(w, p + ".skip_connection", out, in, 1, 1, 0);
    }
    return new ResBlock(n1, c1, e, n2, c2, s);
  }

  @Override
  public NDArray apply(NDArray x, NDArray emb, NDArray context) {
    return Scoped.run(() -> {
      NDArray h = conv1.apply(norm1.applySilu(x));
      NDArray e = embProj.apply(Activations.silu(emb));
      h.addi(e.reshape(e.getShape().get(0), e.getShape().get(1), 1, 1));
      NDArray h2 = conv2.apply(norm2.applySilu(h));
      h.close();
      return skip == null ? h2.addi(x) : h2.addi(skip.apply(x));
    });
  }
}
