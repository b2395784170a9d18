package io.chatgen.diffusion.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.LayerNorm;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Layer and group normalisation. DJL has no group norm, so it is computed as a layer norm over
 * each group's elements (one native kernel) followed by the per-channel affine transform; the layer
 * norm needs unit scale and zero shift vectors of the group size, cached here and owned by the
 * model's manager. The group count is per model: SD's 32 unless the checkpoint's metadata sets
 * another ({@link StableDiffusionModel#META_NORM_GROUPS}), which narrow models need because 32 groups
 * over 32 channels would be a per-channel instance norm.
 */
final class Norms {
  private final NDManager manager;
  private final int groups;
  private final Map<String, NDArray[]> identity = new ConcurrentHashMap<>();

  Norms(NDManager manager) {
    this(manager, GroupNorm.GROUPS);
  }

  Norms(NDManager manager, int groups) {
    if (groups < 1) {
      throw new IllegalArgumentException("GroupNorm needs at least one group, was " + groups);
    }
    this.manager = manager;
    this.groups = groups;
  }

  /** The number of groups every GroupNorm of this model uses. */
  int groups() {
    return groups;
  }

  /** Unit scale and zero shift of length n, created once per length and type. */
  private NDArray[] identityAffine(long n, DataType type) {
    return identity.computeIfAbsent(n + "/" + type, k -> {
      NDArray ones = manager.ones(new Shape(n), type);
      NDArray zeros = manager.zeros(new Shape(n), type);
      NDScope.unregister(ones);
      NDScope.unregister(zeros);
      return new NDArray[] {ones, zeros};
    });
  }

  /** GroupNorm over [B, C, ...] with {@code gamma}, {@code beta} shaped [C, 1, 1]. */
  NDArray groupNorm(NDArray x, int groups, NDArray gamma, NDArray beta, float eps) {
    Shape s = x.getShape();
    long b = s.get(0);
    long perGroup = s.size() / b / groups;
    NDArray[] affine = identityAffine(perGroup, x.getDataType());
    NDArray grouped = x.reshape(b, groups, perGroup);
    NDArray normed = LayerNorm.layerNorm(grouped, new Shape(perGroup), affine[0], affine[1], eps)
        .singletonOrThrow();
    return normed.reshape(s).muli(gamma).addi(beta);
  }

  /** LayerNorm over the last axis. */
  static NDArray layerNorm(NDArray x, NDArray gamma, NDArray beta, float eps) {
    return LayerNorm.layerNorm(x, new Shape(gamma.getShape().get(0)), gamma, beta, eps)
        .singletonOrThrow();
  }

  /** Closes the cached vectors (the model manager would close them anyway). */
  void clear() {
    identity.values().forEach(a -> {
      a[0].close();
      a[1].close();
    });
    identity.clear();
  }
}
