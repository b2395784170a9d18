package io.chatgen.diffusion.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.chatgen.core.ModelLoadException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * LDM's {@code AutoencoderKL} (the SD VAE): an encoder to the posterior's mean and log-variance and
 * a decoder back to pixels, each with ResNet blocks per level and a mid block with single-head
 * attention. Levels and block counts are read from the checkpoint keys.
 */
final class Vae {
  private static final String P = "first_stage_model.";
  private static final float EPS = 1e-6f;

  /** The VAE's ResNet block (no timestep input). */
  private record Resnet(GroupNorm n1, Conv c1, GroupNorm n2, Conv c2, @Nullable Conv shortcut) {
    static Resnet load(Weights w, Norms norms, String p, long in) {
      GroupNorm n1 = GroupNorm.load(w, norms, p + ".norm1", in, EPS);
      Conv c1 = Conv.load(w, p + ".conv1", Weights.ANY, in, 3, 1, 1);
      long out = c1.outChannels();
      GroupNorm n2 = GroupNorm.load(w, norms, p + ".norm2", out, EPS);
      Conv c2 = Conv.load(w, p + ".conv2", out, out, 3, 1, 1);
      Conv s = in != out ? Conv.load(w, p + ".nin_shortcut", out, in, 1, 1, 0) : null;
      return new Resnet(n1, c1, n2, c2, s);
    }

    long out() {
      return c1.outChannels();
    }

    NDArray apply(NDArray x) {
      return Scoped.run(() -> {
        NDArray h = c1.apply(n1.applySilu(x));
        NDArray h2 = c2.apply(n2.applySilu(h));
        h.close();
        return shortcut == null ? h2.addi(x) : h2.addi(shortcut.apply(x));
      });
    }
  }

  /** The mid block's attention: GroupNorm, single-head attention over pixels, residual. */
  private record PixelAttention(GroupNorm norm, Attention attn) {
    static PixelAttention load(Weights w, Norms norms, String p, long ch) {
      return new PixelAttention(GroupNorm.load(w, norms, p + ".norm", ch, EPS), new Attention(
          Linear.load(w, p + ".q", ch, ch, true), Linear.load(w, p + ".k", ch, ch, true),
          Linear.load(w, p + ".v", ch, ch, true), Linear.load(w, p + ".proj_out", ch, ch, true), 1));
    }

    NDArray apply(NDArray x) {
      return Scoped.run(() -> {
        Shape s = x.getShape();
        NDArray tokens = norm.apply(x).reshape(s.get(0), s.get(1), s.get(2) * s.get(3)).transpose(0, 2, 1);
        NDArray h = attn.apply(tokens, null, null);
        return NDArrays.standardLayout(h.transpose(0, 2, 1).reshape(s)).add(x);
      });
    }
  }

  private record Mid(Resnet block1, PixelAttention attn, Resnet block2) {
    static Mid load(Weights w, Norms norms, String p, long ch) {
      return new Mid(Resnet.load(w, norms, p + ".block_1", ch), PixelAttention.load(w, norms, p + ".attn_1", ch),
          Resnet.load(w, norms, p + ".block_2", ch));
    }

    NDArray apply(NDArray x) {
      return Scoped.run(() -> {
        NDArray a = block1.apply(x);
        NDArray b = attn.apply(a);
        a.close();
        return block2.apply(b);
      });
    }
  }

  private record Level(List<Resnet> blocks, @Nullable Conv resample) {}

  private final Conv encIn;
  private final List<Level> down;
  private final Mid encMid;
  private final GroupNorm encNormOut;
  private final Conv encOut;
  private final Conv quant;
  private final Conv postQuant;
  private final Conv decIn;
  private final Mid decMid;
  private final List<Level> up;
  private final GroupNorm decNormOut;
  private final Conv decOut;
  final int latentChannels;
  final int baseChannels;
  final List<Integer> channelMult;
  final int resBlocks;

  private Vae(Conv encIn, List<Level> down, Mid encMid, GroupNorm encNormOut, Conv encOut, Conv quant,
      Conv postQuant, Conv decIn, Mid decMid, List<Level> up, GroupNorm decNormOut, Conv decOut,
      List<Integer> mult, int resBlocks) {
    this.encIn = encIn;
    this.down = down;
    this.encMid = encMid;
    this.encNormOut = encNormOut;
    this.encOut = encOut;
    this.quant = quant;
    this.postQuant = postQuant;
    this.decIn = decIn;
    this.decMid = decMid;
    this.up = up;
    this.decNormOut = decNormOut;
    this.decOut = decOut;
    this.latentChannels = (int) postQuant.outChannels();
    this.baseChannels = (int) encIn.outChannels();
    this.channelMult = List.copyOf(mult);
    this.resBlocks = resBlocks;
  }

  /** 2^(levels-1): how much smaller the latent is than the image. */
  int scaleFactor() {
    return 1 << (down.size() - 1);
  }

  static Vae load(Weights w, Norms norms) {
    String e = P + "encoder.";
    Conv encIn = Conv.load(w, e + "conv_in", Weights.ANY, 3, 3, 1, 1);
    long ch = encIn.outChannels();
    long base = ch;
    Set<Integer> levels = w.indices(e + "down");
    if (levels.isEmpty()) {
      throw w.missing(e + "down.0.block.0.conv1.weight", null);
    }
    List<Level> down = new ArrayList<>();
    List<Integer> mult = new ArrayList<>();
    int resBlocks = -1;
    for (int i = 0; i < levels.size(); i++) {
      String lp = e + "down." + i;
      List<Resnet> blocks = new ArrayList<>();
      for (int j = 0; j < w.indices(lp + ".block").size(); j++) {
        Resnet r = Resnet.load(w, norms, lp + ".block." + j, ch);
        ch = r.out();
        blocks.add(r);
      }
      if (blocks.isEmpty()) {
        throw w.missing(lp + ".block.0.conv1.weight", null);
      }
      resBlocks = blocks.size();
      mult.add((int) (ch / base));
      // LDM pads right and bottom by one, then convolves with stride 2 and no padding.
      Conv ds = w.has(lp + ".downsample.conv.weight") ? Conv.load(w, lp + ".downsample.conv", ch, ch, 3, 2, 0) : null;
      if (ds == null && i != levels.size() - 1) {
        throw w.missing(lp + ".downsample.conv.weight", new long[] {ch, ch, 3, 3});
      }
      down.add(new Level(List.copyOf(blocks), ds));
    }
    Mid encMid = Mid.load(w, norms, e + "mid", ch);
    GroupNorm encNorm = GroupNorm.load(w, norms, e + "norm_out", ch, EPS);
    Conv encOut = Conv.load(w, e + "conv_out", Weights.ANY, ch, 3, 1, 1);
    long moments = encOut.outChannels();
    Conv quant = Conv.load(w, P + "quant_conv", moments, moments, 1, 1, 0);
    long z = moments / 2;
    Conv postQuant = Conv.load(w, P + "post_quant_conv", z, z, 1, 1, 0);

    String d = P + "decoder.";
    long top = base * mult.get(mult.size() - 1);
    Conv decIn = Conv.load(w, d + "conv_in", top, z, 3, 1, 1);
    Mid decMid = Mid.load(w, norms, d + "mid", top);
    Set<Integer> upIds = w.indices(d + "up");
    if (upIds.size() != levels.size()) {
      throw new ModelLoadException("the VAE encoder has " + levels.size() + " levels but the decoder "
          + upIds.size() + "; the checkpoint's VAE is incomplete");
    }
    List<Level> up = new ArrayList<>();
    ch = top;
    for (int i = upIds.size() - 1; i >= 0; i--) {
      String lp = d + "up." + i;
      List<Resnet> blocks = new ArrayList<>();
      for (int j = 0; j < w.indices(lp + ".block").size(); j++) {
        Resnet r = Resnet.load(w, norms, lp + ".block." + j, ch);
        ch = r.out();
        blocks.add(r);
      }
      if (blocks.isEmpty()) {
        throw w.missing(lp + ".block.0.conv1.weight", null);
      }
      Conv us = w.has(lp + ".upsample.conv.weight") ? Conv.load(w, lp + ".upsample.conv", ch, ch, 3, 1, 1) : null;
      if (us == null && i != 0) {
        throw w.missing(lp + ".upsample.conv.weight", new long[] {ch, ch, 3, 3});
      }
      up.add(new Level(List.copyOf(blocks), us));
    }
    GroupNorm decNorm = GroupNorm.load(w, norms, d + "norm_out", ch, EPS);
    Conv decOut = Conv.load(w, d + "conv_out", 3, ch, 3, 1, 1);
    return new Vae(encIn, List.copyOf(down), encMid, encNorm, encOut, quant, postQuant, decIn, decMid,
        List.copyOf(up), decNorm, decOut, mult, resBlocks);
  }

  /** Images [B, 3, H, W] to the posterior mean [B, z, H/f, W/f] (unscaled). */
  NDArray encodeMean(NDArray images) {
    return Scoped.run(() -> {
      NDArray h = encIn.apply(images);
      for (Level level : down) {
        for (Resnet r : level.blocks) {
          NDArray next = r.apply(h);
          h.close();
          h = next;
        }
        if (level.resample != null) {
          NDArray padded = h.pad(new Shape(0, 1, 0, 1), 0);
          NDArray next = level.resample.apply(padded);
          padded.close();
          h.close();
          h = next;
        }
      }
      NDArray m = encMid.apply(h);
      h.close();
      NDArray moments = quant.apply(encOut.apply(encNormOut.applySilu(m)));
      long z = moments.getShape().get(1) / 2;
      // a differentiable copy: duplicate() would cut the autograd graph (the trainer needs it)
      return NDArrays.standardLayout(moments.get(":, 0:{}", z));
    });
  }

  /** Unscaled latents [B, z, h, w] to images [B, 3, h*f, w*f], not clamped. */
  NDArray decode(NDArray latents) {
    return Scoped.run(() -> {
      NDArray h0 = decIn.apply(postQuant.apply(latents));
      NDArray h = decMid.apply(h0);
      h0.close();
      for (Level level : up) {
        for (Resnet r : level.blocks) {
          NDArray next = r.apply(h);
          h.close();
          h = next;
        }
        if (level.resample != null) {
          NDArray u = NDArrays.upsample2x(h);
          NDArray next = level.resample.apply(u);
          u.close();
          h.close();
          h = next;
        }
      }
      return decOut.apply(decNormOut.applySilu(h));
    });
  }
}
