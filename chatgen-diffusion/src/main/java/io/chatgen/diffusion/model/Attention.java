package io.chatgen.diffusion.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import org.jspecify.annotations.Nullable;

/**
 * Multi-head scaled dot-product attention with separate q/k/v/out projections, as in LDM's
 * {@code CrossAttention}, CLIP's self-attention and the VAE's mid-block attention.
 *
 * <p>The score matrix of a 64×64 latent is 4096×4096 per head; computing all heads at once would
 * take over a gigabyte per attention layer at SD size, so heads are processed in slices whose
 * score matrices stay under {@link #SLICE_BYTES} (the same trick as A1111's sliced attention; the
 * result is identical).
 */
final class Attention {
  /** Byte budget of one slice's score matrix. */
  static final long SLICE_BYTES = 256L * 1024 * 1024;

  private final Linear q;
  private final Linear k;
  private final Linear v;
  private final Linear out;
  private final int heads;

  Attention(Linear q, Linear k, Linear v, Linear out, int heads) {
    this.q = q;
    this.k = k;
    this.v = v;
    this.out = out;
    this.heads = heads;
  }

  int heads() {
    return heads;
  }

  /**
   * Attends from {@code x} [B, N, C] to {@code context} [B, M, Cc] (self-attention when null),
   * adding {@code mask} [N, M] to the scores when given.
   */
  NDArray apply(NDArray x, @Nullable NDArray context, @Nullable NDArray mask) {
    return Scoped.run(() -> {
      NDArray ctx = context == null ? x : context;
      long b = x.getShape().get(0);
      long n = x.getShape().get(1);
      long m = ctx.getShape().get(1);
      NDArray qh = splitHeads(q.apply(x), b, n);
      NDArray kh = splitHeads(k.apply(ctx), b, m);
      NDArray vh = splitHeads(v.apply(ctx), b, m);
      long d = qh.getShape().get(2);
      Scalars.timesInPlace(qh, (float) (1.0 / Math.sqrt(d)));
      NDArray kt = kh.transpose(0, 2, 1);
      long bh = b * heads;
      long perSlice = Math.max(1, SLICE_BYTES / Math.max(1, n * m * (long) x.getDataType().getNumOfBytes()));
      NDArray attended;
      if (perSlice >= bh) {
        attended = attend(qh, kt, vh, mask);
      } else {
        NDList parts = new NDList();
        for (long start = 0; start < bh; start += perSlice) {
          long end = Math.min(bh, start + perSlice);
          String range = start + ":" + end;
          parts.add(attend(qh.get(range), kt.get(range), vh.get(range), mask));
        }
        attended = NDArrays.concat(parts, 0);
      }
      NDArray merged = attended.reshape(b, heads, n, d).transpose(0, 2, 1, 3).reshape(b, n, heads * d);
      return out.apply(merged);
    });
  }

  private static NDArray attend(NDArray q, NDArray kt, NDArray v, @Nullable NDArray mask) {
    return Scoped.run(() -> {
      NDArray scores = q.matMul(kt);
      if (mask != null) {
        scores.addi(mask);
      }
      NDArray p = scores.softmax(-1);
      scores.close();
      return p.matMul(v);
    });
  }

  /** [B, N, H*D] to [B*H, N, D]. */
  private NDArray splitHeads(NDArray t, long b, long n) {
    long c = t.getShape().get(2);
    if (c % heads != 0) {
      throw new IllegalStateException("attention width " + c + " is not divisible by " + heads + " heads");
    }
    long d = c / heads;
    return t.reshape(b, n, heads, d).transpose(0, 2, 1, 3).reshape(new Shape(b * heads, n, d));
  }
}
