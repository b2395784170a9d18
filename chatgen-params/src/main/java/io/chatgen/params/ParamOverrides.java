package io.chatgen.params;

import io.chatgen.core.InvalidRequestException;
import io.chatgen.core.Param;
import io.chatgen.core.Sampler;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Values a caller fixes programmatically (a UI's sliders); they win over chat wishes and
 * everything else. Checked when built (NaN, infinities and negative values are refused) and again
 * against the chosen model's {@link ParamSchema} (absurd values refused, out-of-range ones
 * clamped with a reason).
 *
 * <pre>{@code
 * ParamOverrides o = ParamOverrides.builder().steps(30).cfgScale(6.5).seed(42).build();
 * }</pre>
 */
public final class ParamOverrides {
  /** No overrides. */
  public static final ParamOverrides NONE = builder().build();

  private final Map<Param, Double> numbers;
  private final @Nullable Sampler sampler;

  private ParamOverrides(Map<Param, Double> numbers, @Nullable Sampler sampler) {
    this.numbers = Map.copyOf(numbers);
    this.sampler = sampler;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The overridden numeric value of {@code p}, if any. */
  public Optional<Double> number(Param p) {
    return Optional.ofNullable(numbers.get(p));
  }

  /** The overridden sampler, if any. */
  public Optional<Sampler> sampler() {
    return Optional.ofNullable(sampler);
  }

  /** Whether nothing is overridden. */
  public boolean isEmpty() {
    return numbers.isEmpty() && sampler == null;
  }

  /** Checks every value against a model's schema; throws on absurd values. */
  void check(ParamSchema schema) {
    numbers.forEach(schema::checkOverride);
  }

  /** Builds overrides; every setter is optional. */
  public static final class Builder {
    private final Map<Param, Double> numbers = new EnumMap<>(Param.class);
    private @Nullable Sampler sampler;

    private Builder() {}

    public Builder sampler(Sampler s) {
      this.sampler = s;
      return this;
    }

    /** A sampler by any of its names ("DPM++ 2M Karras"); unknown names are refused. */
    public Builder sampler(String name) {
      this.sampler = Sampler.lookup(name);
      return this;
    }

    public Builder steps(double n) {
      return put(Param.STEPS, n);
    }

    public Builder cfgScale(double cfg) {
      return put(Param.CFG_SCALE, cfg);
    }

    public Builder clipSkip(double n) {
      return put(Param.CLIP_SKIP, n);
    }

    public Builder size(double width, double height) {
      put(Param.WIDTH, width);
      return put(Param.HEIGHT, height);
    }

    public Builder seed(double seed) {
      return put(Param.SEED, seed);
    }

    private Builder put(Param p, double v) {
      if (!Double.isFinite(v)) {
        throw new InvalidRequestException(p.jsonName() + " override " + v + " is not a number: give a finite value");
      }
      if (v < 0) {
        throw new InvalidRequestException(p.jsonName() + " override " + ParamSchema.fmt(v)
            + " is negative: give a positive value");
      }
      numbers.put(p, v);
      return this;
    }

    public ParamOverrides build() {
      return new ParamOverrides(numbers, sampler);
    }
  }
}
