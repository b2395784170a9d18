package io.chatgen.diffusion.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import io.chatgen.core.ModelLoadException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * CLIP's text transformer (ViT-L/14 in SD 1.x) in the Hugging Face key layout SD checkpoints embed:
 * token + position embeddings, pre-LN layers of causal self-attention and a quick-GELU MLP, and a
 * final layer norm.
 */
final class ClipTextEncoder {
  private static final float LN_EPS = 1e-5f;

  private final NDArray tokenEmbedding;
  private final NDArray positionEmbedding;
  private final List<Layer> layers;
  private final NDArray finalGamma;
  private final NDArray finalBeta;
  private final NDArray causalMask;
  final int hidden;
  final int heads;
  final int intermediate;
  final int vocab;
  final int maxTokens;

  private record Layer(NDArray ln1g, NDArray ln1b, Attention attn, NDArray ln2g, NDArray ln2b,
      Linear fc1, Linear fc2) {}

  private ClipTextEncoder(NDArray tokenEmbedding, NDArray positionEmbedding, List<Layer> layers,
      NDArray finalGamma, NDArray finalBeta, NDArray causalMask, int heads, int intermediate) {
    this.tokenEmbedding = tokenEmbedding;
    this.positionEmbedding = positionEmbedding;
    this.layers = layers;
    this.finalGamma = finalGamma;
    this.finalBeta = finalBeta;
    this.causalMask = causalMask;
    this.vocab = (int) tokenEmbedding.getShape().get(0);
    this.hidden = (int) tokenEmbedding.getShape().get(1);
    this.maxTokens = (int) positionEmbedding.getShape().get(0);
    this.heads = heads;
    this.intermediate = intermediate;
  }

  /** The key prefix: current transformers nest the model under {@code text_model}, old ones do not. */
  static String prefix(Weights w) {
    String p = "cond_stage_model.transformer.";
    return w.has(p + "embeddings.token_embedding.weight") ? p : p + "text_model.";
  }

  static ClipTextEncoder load(Weights w, NDManager manager, int headsOverride) {
    String p = prefix(w);
    NDArray tok = w.get(p + "embeddings.token_embedding.weight", Weights.ANY, Weights.ANY);
    long hidden = tok.getShape().get(1);
    NDArray pos = w.get(p + "embeddings.position_embedding.weight", Weights.ANY, hidden);
    int heads = headsOverride > 0 ? headsOverride : (int) Math.max(1, hidden / 64);
    if (hidden % heads != 0) {
      throw new ModelLoadException("text encoder width " + hidden + " is not divisible by " + heads
          + " heads; set safetensors metadata 'chatgen.text.num_heads' to a divisor");
    }
    Set<Integer> ids = w.indices(p + "encoder.layers");
    if (ids.isEmpty()) {
      throw w.missing(p + "encoder.layers.0.self_attn.q_proj.weight", new long[] {hidden, hidden});
    }
    List<Layer> layers = new ArrayList<>();
    long inter = 0;
    for (int i = 0; i < ids.size(); i++) {
      String l = p + "encoder.layers." + i + ".";
      Attention attn = new Attention(
          Linear.load(w, l + "self_attn.q_proj", hidden, hidden, true),
          Linear.load(w, l + "self_attn.k_proj", hidden, hidden, true),
          Linear.load(w, l + "self_attn.v_proj", hidden, hidden, true),
          Linear.load(w, l + "self_attn.out_proj", hidden, hidden, true), heads);
      Linear fc1 = Linear.load(w, l + "mlp.fc1", Weights.ANY, hidden, true);
      inter = fc1.outFeatures();
      Linear fc2 = Linear.load(w, l + "mlp.fc2", hidden, inter, true);
      layers.add(new Layer(w.get(l + "layer_norm1.weight", hidden), w.get(l + "layer_norm1.bias", hidden),
          attn, w.get(l + "layer_norm2.weight", hidden), w.get(l + "layer_norm2.bias", hidden), fc1, fc2));
    }
    NDArray fg = w.get(p + "final_layer_norm.weight", hidden);
    NDArray fb = w.get(p + "final_layer_norm.bias", hidden);
    int n = (int) pos.getShape().get(0);
    float[] mask = new float[n * n];
    for (int r = 0; r < n; r++) {
      for (int c = r + 1; c < n; c++) {
        mask[r * n + c] = Float.NEGATIVE_INFINITY;
      }
    }
    NDArray causal = manager.create(mask, new Shape(n, n)).toType(tok.getDataType(), false);
    NDScope.unregister(causal);
    return new ClipTextEncoder(tok, pos, List.copyOf(layers), fg, fb, causal, heads, (int) inter);
  }

  int layers() {
    return layers.size();
  }

  /**
   * Encodes token ids [B, T] (T at most {@link #maxTokens}) with A1111's clip skip: the hidden
   * state after {@code layers - clipSkip + 1} layers, then the final layer norm.
   */
  NDArray encode(NDArray ids, int clipSkip) {
    return Scoped.run(() -> {
      long b = ids.getShape().get(0);
      long t = ids.getShape().get(1);
      NDArray longIds = ids.toType(DataType.INT64, true);
      NDArray x = longIds.getNDArrayInternal()
          .embedding(longIds, tokenEmbedding, SparseFormat.DENSE).singletonOrThrow();
      x.addi(positionEmbedding.get(ids.getManager(), new NDIndex("0:{}", t)));
      NDArray mask = causalMask.get(ids.getManager(), new NDIndex("0:{}, 0:{}", t, t));
      int run = layers.size() - clipSkip + 1;
      for (int i = 0; i < run; i++) {
        Layer layer = layers.get(i);
        NDArray in = x;
        x = Scoped.run(() -> {
          NDArray h = Norms.layerNorm(in, layer.ln1g, layer.ln1b, LN_EPS);
          NDArray a = layer.attn.apply(h, null, mask);
          NDArray y = a.addi(in);
          NDArray h2 = Norms.layerNorm(y, layer.ln2g, layer.ln2b, LN_EPS);
          NDArray f = layer.fc2.apply(Activations.quickGelu(layer.fc1.apply(h2)));
          return f.addi(y);
        });
        in.close();
      }
      return Norms.layerNorm(x, finalGamma, finalBeta, LN_EPS);
    });
  }
}
