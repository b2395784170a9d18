package io.chatgen.diffusion.sampling;

import io.chatgen.core.InvalidRequestException;
import io.chatgen.core.Sampler;
import io.chatgen.core.stage.DenoisingProgress;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * One of A1111's samplers, ready to run: the algorithm, the sigma spacing its name implies and
 * A1111's per-sampler options (DPM2 and DPM2 a discard the next-to-last sigma). Text-to-image
 * starts from noise scaled to the first sigma; image-to-image follows A1111's
 * {@code sample_img2img}: the last {@code int(min(strength, 0.999) * steps) + 1} steps of the
 * schedule, starting from the init latent plus noise at that level.
 *
 * <p>Immutable and thread-safe; each {@link #sample} call keeps its state on its own stack.
 */
public final class DiffusionSampler {
  private static final Map<Sampler, DiffusionSampler> SUPPORTED = new EnumMap<>(Sampler.class);

  static {
    k(Sampler.EULER, KDiffusionAlgorithm.EULER, ScheduleType.NORMAL, false);
    k(Sampler.EULER_A, KDiffusionAlgorithm.EULER_ANCESTRAL, ScheduleType.NORMAL, false);
    k(Sampler.LMS, KDiffusionAlgorithm.LMS, ScheduleType.NORMAL, false);
    k(Sampler.LMS_KARRAS, KDiffusionAlgorithm.LMS, ScheduleType.KARRAS, false);
    k(Sampler.HEUN, KDiffusionAlgorithm.HEUN, ScheduleType.NORMAL, false);
    k(Sampler.DPM2, KDiffusionAlgorithm.DPM_2, ScheduleType.NORMAL, true);
    k(Sampler.DPM2_KARRAS, KDiffusionAlgorithm.DPM_2, ScheduleType.KARRAS, true);
    k(Sampler.DPM2_A, KDiffusionAlgorithm.DPM_2_ANCESTRAL, ScheduleType.NORMAL, true);
    k(Sampler.DPM2_A_KARRAS, KDiffusionAlgorithm.DPM_2_ANCESTRAL, ScheduleType.KARRAS, true);
    k(Sampler.DPMPP_2S_A, KDiffusionAlgorithm.DPMPP_2S_ANCESTRAL, ScheduleType.NORMAL, false);
    k(Sampler.DPMPP_2S_A_KARRAS, KDiffusionAlgorithm.DPMPP_2S_ANCESTRAL, ScheduleType.KARRAS, false);
    k(Sampler.DPMPP_2M, KDiffusionAlgorithm.DPMPP_2M, ScheduleType.NORMAL, false);
    k(Sampler.DPMPP_2M_KARRAS, KDiffusionAlgorithm.DPMPP_2M, ScheduleType.KARRAS, false);
    k(Sampler.DPMPP_SDE, KDiffusionAlgorithm.DPMPP_SDE, ScheduleType.NORMAL, false);
    k(Sampler.DPMPP_SDE_KARRAS, KDiffusionAlgorithm.DPMPP_SDE, ScheduleType.KARRAS, false);
    k(Sampler.DPMPP_2M_SDE, KDiffusionAlgorithm.DPMPP_2M_SDE, ScheduleType.NORMAL, false);
    k(Sampler.DPMPP_2M_SDE_KARRAS, KDiffusionAlgorithm.DPMPP_2M_SDE, ScheduleType.KARRAS, false);
    SUPPORTED.put(Sampler.DDIM, new DiffusionSampler(Sampler.DDIM, null, TimestepAlgorithm.DDIM, ScheduleType.NORMAL, false));
    SUPPORTED.put(Sampler.PLMS, new DiffusionSampler(Sampler.PLMS, null, TimestepAlgorithm.PLMS, ScheduleType.NORMAL, false));
    SUPPORTED.put(Sampler.UNIPC, new DiffusionSampler(Sampler.UNIPC, null, TimestepAlgorithm.UNIPC, ScheduleType.NORMAL, false));
  }

  private final Sampler sampler;
  private final @Nullable KDiffusionAlgorithm kAlgorithm;
  private final @Nullable TimestepAlgorithm timestepAlgorithm;
  private final ScheduleType scheduleType;
  private final boolean discardPenultimateSigma;

  private DiffusionSampler(
      Sampler sampler,
      @Nullable KDiffusionAlgorithm kAlgorithm,
      @Nullable TimestepAlgorithm timestepAlgorithm,
      ScheduleType scheduleType,
      boolean discardPenultimateSigma) {
    this.sampler = sampler;
    this.kAlgorithm = kAlgorithm;
    this.timestepAlgorithm = timestepAlgorithm;
    this.scheduleType = scheduleType;
    this.discardPenultimateSigma = discardPenultimateSigma;
  }

  private static void k(Sampler s, KDiffusionAlgorithm a, ScheduleType type, boolean discard) {
    SUPPORTED.put(s, new DiffusionSampler(s, a, null, type, discard));
  }

  /**
   * The runnable sampler for an A1111 sampler name.
   *
   * @throws InvalidRequestException for samplers not implemented here (DPM fast, DPM adaptive),
   *     listing the supported ones
   */
  public static DiffusionSampler of(Sampler sampler) {
    DiffusionSampler s = SUPPORTED.get(sampler);
    if (s == null) {
      throw new InvalidRequestException("sampler \"" + sampler.a1111Name()
          + "\" is not supported by the Stable Diffusion generator; supported samplers: "
          + supported().stream().map(Sampler::a1111Name).collect(Collectors.joining(", ")));
    }
    return s;
  }

  /** Looks a sampler up by any name A1111 or k-diffusion uses ("DPM++ 2M Karras", "k_euler_a"). */
  public static DiffusionSampler of(String name) {
    return of(Sampler.lookup(name));
  }

  /** The samplers this class can run, in {@link Sampler} order. */
  public static List<Sampler> supported() {
    return Arrays.stream(Sampler.values()).filter(SUPPORTED::containsKey).toList();
  }

  /** The A1111 sampler this runs. */
  public Sampler sampler() {
    return sampler;
  }

  /** The sigma spacing (for timestep samplers, NORMAL; they do not use sigmas). */
  public ScheduleType scheduleType() {
    return scheduleType;
  }

  /** Whether this is a timestep sampler (DDIM, PLMS, UniPC) rather than a k-diffusion one. */
  public boolean usesTimesteps() {
    return timestepAlgorithm != null;
  }

  /**
   * The full sigma schedule of a k-diffusion run of {@code steps} steps, ending in 0 (A1111's
   * {@code KDiffusionSampler.get_sigmas}, with the next-to-last sigma discarded for DPM2).
   *
   * @throws InvalidRequestException for timestep samplers, which have no sigma schedule
   */
  public double[] sigmas(NoiseSchedule schedule, int steps) {
    if (timestepAlgorithm != null) {
      throw new InvalidRequestException(sampler.a1111Name() + " runs on timesteps, not sigmas");
    }
    if (!discardPenultimateSigma) {
      return schedule.sigmas(scheduleType, steps);
    }
    double[] s = schedule.sigmas(scheduleType, steps + 1);
    double[] out = new double[s.length - 1];
    System.arraycopy(s, 0, out, 0, s.length - 2);
    out[out.length - 1] = s[s.length - 1];
    return out;
  }

  /** How many progress steps (sampler iterations) a job will report. */
  public int progressSteps(NoiseSchedule schedule, SamplingJob job) {
    if (timestepAlgorithm != null) {
      return timestepAlgorithm.progressSteps(timestepPlan(schedule, job).length);
    }
    return sigmaPlan(schedule, job).length - 1;
  }

  /**
   * Runs the sampler and returns the final latents.
   *
   * @param model the noise predictor (with guidance applied)
   * @param schedule the model's noise schedule
   * @param job steps, initial noise and, for image-to-image, the init latent and strength
   * @param noise fresh noise for ancestral and SDE steps
   * @param progress told after each step; polled for cancellation before each step
   * @throws io.chatgen.core.GenerationCancelledException when {@code progress} cancels
   */
  public double[] sample(
      NoisePredictor model, NoiseSchedule schedule, SamplingJob job, NoiseSource noise, DenoisingProgress progress) {
    double[] n0 = job.initialNoise();
    double[] init = job.initLatent();
    TimestepAlgorithm ta = timestepAlgorithm;
    if (ta != null) {
      int[] ts = timestepPlan(schedule, job);
      double[] x;
      if (init == null) {
        x = n0.clone();
      } else {
        int tStart = TimestepAlgorithm.timesteps(job.steps(), schedule.timesteps())[job.encodeSteps()];
        double a = schedule.alphaCumprod(tStart);
        x = Vec.lin(Math.sqrt(a), init, Math.sqrt(1 - a), n0);
      }
      return ta.sample(model, x, ts, schedule, init != null, new StepTracker(progress, ta.progressSteps(ts.length)));
    }
    KDiffusionAlgorithm ka = java.util.Objects.requireNonNull(kAlgorithm);
    double[] sigmas = sigmaPlan(schedule, job);
    double[] x = init == null ? Vec.scale(sigmas[0], n0) : Vec.plus(init, sigmas[0], n0);
    return ka.sample(Denoiser.compVis(model, schedule), x, sigmas, noise,
        new StepTracker(progress, sigmas.length - 1));
  }

  private double[] sigmaPlan(NoiseSchedule schedule, SamplingJob job) {
    double[] sigmas = sigmas(schedule, job.steps());
    if (!job.isImageToImage()) {
      return sigmas;
    }
    int from = job.steps() - job.encodeSteps() - 1;
    return Arrays.copyOfRange(sigmas, from, sigmas.length);
  }

  private int[] timestepPlan(NoiseSchedule schedule, SamplingJob job) {
    int[] ts = TimestepAlgorithm.timesteps(job.steps(), schedule.timesteps());
    return job.isImageToImage() ? Arrays.copyOf(ts, job.encodeSteps()) : ts;
  }

  @Override
  public String toString() {
    return sampler.a1111Name() + " (" + (timestepAlgorithm != null ? timestepAlgorithm : kAlgorithm)
        + ", " + scheduleType + " schedule)";
  }
}
