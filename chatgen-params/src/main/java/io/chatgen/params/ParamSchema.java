package io.chatgen.params;

import io.chatgen.core.BaseArchitecture;
import io.chatgen.core.ConfiguredParams;
import io.chatgen.core.GenerationParams;
import io.chatgen.core.InvalidRequestException;
import io.chatgen.core.Param;
import io.chatgen.core.Sampler;
import java.util.EnumMap;
import java.util.Map;

/**
 * What a base architecture accepts: steps, CFG, clip skip and image sides (a multiple of 8 within
 * limits). Every plan the configurators return passes through {@link #enforce}, which clamps
 * values that are merely out of range (and says so in the reasons); values no one could mean
 * (NaN, negative, 10^9 steps) are refused by {@link #checkOverride} with a clear error.
 *
 * <p>Immutable and thread-safe.
 *
 * @param base the architecture
 * @param minSteps fewest steps
 * @param maxSteps most steps
 * @param minCfg lowest CFG scale
 * @param maxCfg highest CFG scale
 * @param minSide smallest side in pixels, a multiple of 8
 * @param maxSide largest side in pixels, a multiple of 8
 * @param defaults the architecture's defaults when nothing else is known
 */
public record ParamSchema(
    BaseArchitecture base,
    int minSteps,
    int maxSteps,
    double minCfg,
    double maxCfg,
    int minSide,
    int maxSide,
    GenerationParams defaults) {

  /** Overrides beyond this multiple of a limit are taken as mistakes, not clamped. */
  static final double ABSURD_FACTOR = 10;

  public ParamSchema {
    if (base == null || defaults == null) {
      throw new InvalidRequestException("base and defaults must not be null");
    }
    if (minSteps < 1 || maxSteps < minSteps || maxSteps > GenerationParams.MAX_STEPS) {
      throw new InvalidRequestException("steps limits must satisfy 1 <= min <= max <= " + GenerationParams.MAX_STEPS
          + ", got " + minSteps + ".." + maxSteps);
    }
    if (!(minCfg >= 0 && maxCfg >= minCfg && maxCfg <= GenerationParams.MAX_CFG)) {
      throw new InvalidRequestException("CFG limits must satisfy 0 <= min <= max <= " + GenerationParams.MAX_CFG
          + ", got " + minCfg + ".." + maxCfg);
    }
    if (minSide < 64 || maxSide < minSide || maxSide > GenerationParams.MAX_SIDE || minSide % 8 != 0
        || maxSide % 8 != 0) {
      throw new InvalidRequestException("side limits must be multiples of 8 within 64.." + GenerationParams.MAX_SIDE
          + ", got " + minSide + ".." + maxSide);
    }
  }

  /** The schema of an architecture. */
  public static ParamSchema forBase(BaseArchitecture base) {
    int nat = base.nativeSide();
    GenerationParams d = switch (base) {
      case SDXL -> new GenerationParams(Sampler.DPMPP_2M_KARRAS, 30, 7.0, 1, nat, nat, 0, null);
      case SD_2 -> new GenerationParams(Sampler.DPMPP_2M_KARRAS, 25, 7.0, 1, nat, nat, 0, null);
      default -> new GenerationParams(Sampler.DPMPP_2M_KARRAS, 25, 7.0, 2, nat, nat, 0, null);
    };
    int maxSide = base == BaseArchitecture.SDXL ? 2048 : 1536;
    return new ParamSchema(base, 1, 150, 1.0, 30.0, 256, maxSide, d);
  }

  /**
   * Checks a value the user asked for explicitly, before it is used.
   *
   * @throws InvalidRequestException for NaN, infinities, negative values, a non-integral count,
   *     or a value more than ten times the architecture's limit
   */
  public void checkOverride(Param param, double value) {
    String what = param.jsonName() + " " + fmt(value);
    if (!Double.isFinite(value)) {
      throw new InvalidRequestException(what + " is not a number: give a finite value, e.g. "
          + example(param));
    }
    if (value < 0) {
      throw new InvalidRequestException(what + " is negative: give a value from " + range(param));
    }
    boolean integral = param != Param.CFG_SCALE && param != Param.DENOISING_STRENGTH;
    if (integral && value != Math.rint(value)) {
      throw new InvalidRequestException(what + " must be a whole number, from " + range(param));
    }
    double limit = switch (param) {
      case STEPS -> maxSteps;
      case CFG_SCALE -> maxCfg;
      case WIDTH, HEIGHT -> maxSide;
      case CLIP_SKIP -> 12;
      case SEED -> GenerationParams.MAX_SEED;
      case DENOISING_STRENGTH -> 1;
      case SAMPLER -> Double.MAX_VALUE;
    };
    double tolerated = param == Param.SEED || param == Param.DENOISING_STRENGTH || param == Param.CLIP_SKIP
        ? limit : limit * ABSURD_FACTOR;
    if (value > tolerated) {
      throw new InvalidRequestException(what + " is impossible for " + base.label() + " models: give a value from "
          + range(param));
    }
    if (param == Param.CLIP_SKIP && value < 1 || param == Param.DENOISING_STRENGTH && value == 0) {
      throw new InvalidRequestException(what + " is out of range: give a value from " + range(param));
    }
  }

  /** Steps clamped into range, with a note when it changed. */
  public Clamped<Integer> steps(double v) {
    if (!Double.isFinite(v)) {
      return new Clamped<>(defaults.steps(), "steps " + fmt(v) + " is not a number; used " + defaults.steps());
    }
    long r = Math.round(v);
    int c = (int) Math.max(minSteps, Math.min(maxSteps, r));
    return new Clamped<>(c, c == v ? null : "steps " + fmt(v) + " clamped to " + c + " (" + base.label() + " accepts "
        + minSteps + "-" + maxSteps + ")");
  }

  /** CFG clamped into range, with a note when it changed. */
  public Clamped<Double> cfgScale(double v) {
    if (!Double.isFinite(v)) {
      return new Clamped<>(defaults.cfgScale(), "cfgScale " + fmt(v) + " is not a number; used "
          + fmt(defaults.cfgScale()));
    }
    double c = Math.max(minCfg, Math.min(maxCfg, v));
    return new Clamped<>(c, c == v ? null : "cfgScale " + fmt(v) + " clamped to " + fmt(c) + " (" + base.label()
        + " accepts " + fmt(minCfg) + "-" + fmt(maxCfg) + ")");
  }

  /** Clip skip clamped to 1..12. */
  public Clamped<Integer> clipSkip(double v) {
    if (!Double.isFinite(v)) {
      return new Clamped<>(defaults.clipSkip(), "clipSkip " + fmt(v) + " is not a number; used "
          + defaults.clipSkip());
    }
    int c = (int) Math.max(1, Math.min(12, Math.round(v)));
    return new Clamped<>(c, c == v ? null : "clipSkip " + fmt(v) + " clamped to " + c + " (1-12)");
  }

  /** A side rounded to a multiple of 8 and clamped into range. */
  public Clamped<Integer> side(double v, String name) {
    if (!Double.isFinite(v)) {
      return new Clamped<>(base.nativeSide(), name + " " + fmt(v) + " is not a number; used " + base.nativeSide());
    }
    long r = Math.round(v / 8.0) * 8;
    int c = (int) Math.max(minSide, Math.min(maxSide, r));
    return new Clamped<>(c, c == v ? null : name + " " + fmt(v) + " set to " + c + " (a multiple of 8 from "
        + minSide + " to " + maxSide + " for " + base.label() + ")");
  }

  /**
   * Clamps a whole plan into this schema; every change is appended to the reason of the
   * parameter it changed.
   */
  public ConfiguredParams enforce(GenerationParams p, Map<Param, String> reasons) {
    Map<Param, String> why = new EnumMap<>(Param.class);
    why.putAll(reasons);
    Clamped<Integer> steps = steps(p.steps());
    Clamped<Double> cfg = cfgScale(p.cfgScale());
    Clamped<Integer> w = side(p.width(), "width");
    Clamped<Integer> h = side(p.height(), "height");
    note(why, Param.STEPS, steps.note());
    note(why, Param.CFG_SCALE, cfg.note());
    note(why, Param.WIDTH, w.note());
    note(why, Param.HEIGHT, h.note());
    GenerationParams out = new GenerationParams(p.sampler(), steps.value(), cfg.value(), p.clipSkip(), w.value(),
        h.value(), p.seed(), p.denoisingStrength());
    return new ConfiguredParams(out, why);
  }

  /** Whether a plan already lies within this schema. */
  public boolean accepts(GenerationParams p) {
    return p.steps() >= minSteps && p.steps() <= maxSteps && p.cfgScale() >= minCfg && p.cfgScale() <= maxCfg
        && p.width() >= minSide && p.width() <= maxSide && p.height() >= minSide && p.height() <= maxSide
        && p.width() % 8 == 0 && p.height() % 8 == 0;
  }

  private static void note(Map<Param, String> why, Param p, @org.jspecify.annotations.Nullable String note) {
    if (note != null) {
      why.merge(p, note, (a, b) -> a + "; " + b);
    }
  }

  private String range(Param p) {
    return switch (p) {
      case STEPS -> minSteps + " to " + maxSteps;
      case CFG_SCALE -> fmt(minCfg) + " to " + fmt(maxCfg);
      case WIDTH, HEIGHT -> minSide + " to " + maxSide + " (a multiple of 8)";
      case CLIP_SKIP -> "1 to 12";
      case SEED -> "0 to " + GenerationParams.MAX_SEED;
      case DENOISING_STRENGTH -> "(0, 1]";
      case SAMPLER -> "the known samplers";
    };
  }

  private String example(Param p) {
    return switch (p) {
      case STEPS -> Integer.toString(defaults.steps());
      case CFG_SCALE -> fmt(defaults.cfgScale());
      case WIDTH, HEIGHT -> Integer.toString(base.nativeSide());
      case CLIP_SKIP -> "2";
      case SEED -> "42";
      case DENOISING_STRENGTH -> "0.6";
      case SAMPLER -> defaults.sampler().a1111Name();
    };
  }

  static String fmt(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }

  /**
   * A value after clamping.
   *
   * @param value the value within range
   * @param note what changed and why, or null when nothing did
   * @param <T> the value type
   */
  public record Clamped<T>(T value, @org.jspecify.annotations.Nullable String note) {
    public Clamped {
      if (value == null) {
        throw new InvalidRequestException("a clamped value must not be null");
      }
    }
  }
}
