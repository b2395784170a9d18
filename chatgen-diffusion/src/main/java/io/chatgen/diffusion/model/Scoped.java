package io.chatgen.diffusion.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import java.util.function.Supplier;

/**
 * Runs one module's forward pass in its own {@link NDScope}, so its intermediate arrays are freed
 * as soon as it returns instead of piling up until the end of a UNet step (which would need many
 * gigabytes at SD 1.5 size). The result is handed on to the enclosing scope.
 *
 * <p>The body must return an array it created (never one of its inputs or a weight), or the
 * enclosing scope would take ownership of an array it does not own.
 */
final class Scoped {
  private Scoped() {}

  static NDArray run(Supplier<NDArray> body) {
    NDArray out;
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      out = body.get();
      NDScope.unregister(out);
    }
    NDScope.register(out);
    return out;
  }
}
