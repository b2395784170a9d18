package io.chatgen.diffusion.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.chatgen.core.ModelLoadException;
import io.chatgen.diffusion.safetensors.SafetensorsFile;
import io.chatgen.diffusion.safetensors.TensorInfo;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The tensors of a checkpoint as the model builders see them: shape look-ups, numeric child indices
 * of a key prefix, and loading with a shape check whose failure names the key, the expected and the
 * found shape. Loaded weights are converted to the compute type, owned by the model's manager and
 * removed from any {@link NDScope} so that a caller's scope cannot close them.
 */
final class Weights {
  /** Wildcard in an expected shape. */
  static final long ANY = -1;

  private final SafetensorsFile file;
  private final NDManager manager;
  private final DataType type;
  /** Every array handed to a layer, by tensor name, for {@link StableDiffusionModel#parameters()}. */
  private final Map<String, NDArray> loaded = new java.util.LinkedHashMap<>();

  Weights(SafetensorsFile file, NDManager manager, DataType type) {
    this.file = file;
    this.manager = manager;
    this.type = type;
  }

  /** The arrays loaded so far, by tensor name, in load order (shapes as the layers use them). */
  Map<String, NDArray> loaded() {
    return java.util.Collections.unmodifiableMap(loaded);
  }

  Map<String, String> metadata() {
    return file.metadata();
  }

  boolean has(String key) {
    return file.info(key).isPresent();
  }

  /** The stored shape of a tensor that must exist. */
  long[] shape(String key) {
    return file.info(key).map(TensorInfo::shape).orElseThrow(() -> missing(key, null));
  }

  Optional<long[]> shapeIfPresent(String key) {
    return file.info(key).map(TensorInfo::shape);
  }

  /** The numeric components directly under {@code prefix} ("p.0.x", "p.3.y" give 0 and 3). */
  Set<Integer> indices(String prefix) {
    Pattern p = Pattern.compile(Pattern.quote(prefix + ".") + "(\\d+)\\..*");
    Set<Integer> out = new TreeSet<>();
    for (String name : file.names()) {
      Matcher m = p.matcher(name);
      if (m.matches()) {
        out.add(Integer.parseInt(m.group(1)));
      }
    }
    return out;
  }

  /** Whether any tensor name starts with {@code prefix + "."}. */
  boolean hasPrefix(String prefix) {
    String p = prefix + ".";
    for (String name : file.names()) {
      if (name.startsWith(p)) {
        return true;
      }
    }
    return false;
  }

  /** Checks a tensor's shape against {@code expected} ({@link #ANY} matches any size). */
  long[] check(String key, long... expected) {
    long[] found = file.info(key).map(TensorInfo::shape).orElseThrow(() -> missing(key, expected));
    boolean ok = found.length == expected.length;
    for (int i = 0; ok && i < found.length; i++) {
      ok = expected[i] == ANY || expected[i] == found[i];
    }
    if (!ok) {
      throw new ModelLoadException(file.path() + ": tensor '" + key + "' has shape "
          + Arrays.toString(found) + ", expected " + describe(expected)
          + "; the checkpoint does not match the SD 1.x layout or is corrupted");
    }
    return found;
  }

  /** Loads a tensor after checking its shape. */
  NDArray get(String key, long... expected) {
    check(key, expected);
    NDArray a = file.read(key, manager, type);
    NDScope.unregister(a);
    loaded.put(key, a);
    return a;
  }

  /** Loads a tensor after checking its shape and reshapes it (e.g. a 1x1 conv kernel to a matrix). */
  NDArray getReshaped(String key, Shape target, long... expected) {
    check(key, expected);
    try (NDArray a = file.read(key, manager, type)) {
      NDArray r = a.reshape(target).duplicate();
      NDScope.unregister(r);
      loaded.put(key, r);
      return r;
    }
  }

  /** Loads a pointwise projection stored as a [out, in] matrix or a [out, in, 1, 1] conv kernel. */
  NDArray getPointwise(String key, long out, long in) {
    long[] s = shape(key);
    if (s.length == 4) {
      return getReshaped(key, new Shape(out, in), out, in, 1, 1);
    }
    return get(key, out, in);
  }

  ModelLoadException missing(String key, long @org.jspecify.annotations.Nullable [] expected) {
    return new ModelLoadException(file.path() + " has no tensor '" + key + "'"
        + (expected == null ? "" : " (expected shape " + describe(expected) + ")")
        + "; is it a Stable Diffusion 1.x checkpoint in the original (LDM) key layout?");
  }

  static String describe(long[] expected) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < expected.length; i++) {
      b.append(i == 0 ? "" : ", ").append(expected[i] == ANY ? "*" : Long.toString(expected[i]));
    }
    return b.append(']').toString();
  }
}
