package io.chatgen.params;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * Weighted votes for one parameter, remembering who voted for what so the winner can be
 * explained. Categorical values are decided by the largest total weight (ties: the value voted
 * first); numeric values the same way when the winner holds at least half the weight, else by the
 * weighted median of all votes, which is itself a value someone used (the "snapping").
 *
 * <p>Not thread-safe: made per request.
 *
 * @param <T> the value type
 */
public final class WeightedVote<T> {
  private final Map<T, Double> weight = new LinkedHashMap<>();
  private final Map<T, List<Ballot>> ballots = new LinkedHashMap<>();
  private double total;

  /**
   * Who voted, for reasons.
   *
   * @param source a short label ("image 123", "documentation")
   * @param weight the weight it gave
   */
  public record Ballot(String source, double weight) {}

  /**
   * The decision.
   *
   * @param value the chosen value
   * @param share the chosen value's share of all weight, in [0, 1]
   * @param byMedian whether the weighted median decided (no value held half the weight)
   * @param ballots the votes for the chosen value, heaviest first
   * @param <T> the value type
   */
  public record Outcome<T>(T value, double share, boolean byMedian, List<Ballot> ballots) {}

  /** Adds a vote; non-positive or non-finite weights are ignored. */
  public void add(T value, double w, String source) {
    if (value == null || !(w > 0) || !Double.isFinite(w)) {
      return;
    }
    weight.merge(value, w, Double::sum);
    ballots.computeIfAbsent(value, k -> new ArrayList<>()).add(new Ballot(source, w));
    total += w;
  }

  /** Whether nobody voted. */
  public boolean isEmpty() {
    return weight.isEmpty();
  }

  /** The total weight of all votes. */
  public double total() {
    return total;
  }

  /** The weight behind one value. */
  public double weightOf(T value) {
    return weight.getOrDefault(value, 0.0);
  }

  /** The values voted for with their total weights, in first-vote order. */
  public Map<T, Double> weights() {
    return Map.copyOf(weight);
  }

  /** The value with the largest total weight (ties: the first voted). */
  public Optional<Outcome<T>> plurality() {
    T best = null;
    double bw = -1;
    for (Map.Entry<T, Double> e : weight.entrySet()) {
      if (e.getValue() > bw) {
        best = e.getKey();
        bw = e.getValue();
      }
    }
    return best == null ? Optional.empty() : Optional.of(outcome(best, false));
  }

  /**
   * For numbers: the plurality when it holds at least half the weight, else the weighted median
   * (the smallest value at which the cumulative weight reaches half).
   */
  public Optional<Outcome<T>> numeric(ToDoubleFunction<T> asNumber) {
    Optional<Outcome<T>> p = plurality();
    if (p.isEmpty() || p.get().share() >= 0.5) {
      return p;
    }
    List<Map.Entry<T, Double>> sorted = new ArrayList<>(weight.entrySet());
    sorted.sort(Comparator.comparingDouble(e -> asNumber.applyAsDouble(e.getKey())));
    double acc = 0;
    for (Map.Entry<T, Double> e : sorted) {
      acc += e.getValue();
      if (acc >= total / 2 - 1e-12) {
        return Optional.of(outcome(e.getKey(), true));
      }
    }
    return p;
  }

  private Outcome<T> outcome(T value, boolean byMedian) {
    List<Ballot> b = new ArrayList<>(ballots.get(value));
    b.sort(Comparator.comparingDouble(Ballot::weight).reversed());
    return new Outcome<>(value, total == 0 ? 0 : weight.get(value) / total, byMedian, b);
  }
}
