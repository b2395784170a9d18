package io.chatgen.core;

import java.util.List;
import java.util.Map;

/** Argument checks shared by the records, so that every message has the same shape. */
final class Checks {
  private Checks() {}

  static <T> T notNull(T value, String name) {
    if (value == null) {
      throw new InvalidRequestException(name + " must not be null");
    }
    return value;
  }

  static String notBlank(String value, String name) {
    notNull(value, name);
    if (value.isBlank()) {
      throw new InvalidRequestException(name + " must not be blank");
    }
    return value;
  }

  static String maxLength(String value, int max, String name) {
    if (value.length() > max) {
      throw new InvalidRequestException(
          name + " has " + value.length() + " characters; at most " + max + " are accepted: shorten it");
    }
    return value;
  }

  static <T> List<T> list(List<T> values, String name) {
    notNull(values, name);
    for (int i = 0; i < values.size(); i++) {
      if (values.get(i) == null) {
        throw new InvalidRequestException(name + "[" + i + "] must not be null");
      }
    }
    return List.copyOf(values);
  }

  static <K, V> Map<K, V> map(Map<K, V> values, String name) {
    notNull(values, name);
    return Map.copyOf(values);
  }

  static double probability(double p, String name) {
    if (!(p >= 0.0 && p <= 1.0)) {
      throw new InvalidRequestException(name + " must be a probability in [0, 1], was " + p);
    }
    return p;
  }
}
