package io.chatgen.diffusion.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatgen.core.GenerationCancelledException;
import io.chatgen.core.InvalidRequestException;
import io.chatgen.core.Sampler;
import io.chatgen.core.stage.DenoisingProgress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DiffusionSamplerTest {
  private static final NoisePredictor ZERO_NOISE = (x, t) -> new double[x.length];

  @Test
  void unsupported_sampler_names_the_supported_ones() {
    assertThatThrownBy(() -> DiffusionSampler.of(Sampler.DPM_FAST))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("DPM fast")
        .hasMessageContaining("UniPC")
        .hasMessageContaining("DPM++ 2M Karras")
        .hasMessageContaining("Euler a");
  }

  @Test
  void every_required_a1111_sampler_is_supported() {
    assertThat(DiffusionSampler.supported()).contains(
        Sampler.EULER, Sampler.EULER_A, Sampler.DDIM, Sampler.DPMPP_2M, Sampler.DPMPP_2M_KARRAS,
        Sampler.DPMPP_SDE_KARRAS, Sampler.HEUN, Sampler.LMS, Sampler.LMS_KARRAS, Sampler.UNIPC, Sampler.PLMS);
    assertThat(DiffusionSampler.supported()).doesNotContain(Sampler.DPM_FAST, Sampler.DPM_ADAPTIVE);
    assertThat(DiffusionSampler.of("k_dpmpp_2m_karras").scheduleType()).isEqualTo(ScheduleType.KARRAS);
    assertThat(DiffusionSampler.of("Euler a").scheduleType()).isEqualTo(ScheduleType.NORMAL);
  }

  @Test
  void dpm2_discards_the_next_to_last_sigma() {
    NoiseSchedule s = NoiseSchedule.stableDiffusion();
    double[] dpm2 = DiffusionSampler.of(Sampler.DPM2).sigmas(s, 10);
    double[] eleven = s.normalSigmas(11);
    assertThat(dpm2).hasSize(11);
    assertThat(dpm2[9]).isEqualTo(eleven[9]);
    assertThat(dpm2[10]).isZero();
  }

  @Test
  void cancelling_stops_before_the_next_step() {
    List<Integer> seen = new ArrayList<>();
    DenoisingProgress cancelAfterThree = new DenoisingProgress() {
      @Override
      public void onStep(int step, int totalSteps) {
        seen.add(step);
      }

      @Override
      public boolean isCancelled() {
        return seen.size() >= 3;
      }
    };
    DiffusionSampler sampler = DiffusionSampler.of(Sampler.EULER_A);
    SamplingJob job = SamplingJob.textToImage(20, new double[4]);
    assertThatThrownBy(() -> sampler.sample(ZERO_NOISE, NoiseSchedule.stableDiffusion(), job,
            NoiseSource.seeded(1), cancelAfterThree))
        .isInstanceOf(GenerationCancelledException.class)
        .hasMessageContaining("3 of 20");
    assertThat(seen).containsExactly(1, 2, 3);
  }

  @Test
  void img2img_runs_the_last_steps_of_the_schedule() {
    NoiseSchedule s = NoiseSchedule.stableDiffusion();
    SamplingJob job = SamplingJob.imageToImage(20, new double[4], new double[4], 0.5);
    assertThat(DiffusionSampler.of(Sampler.EULER).progressSteps(s, job)).isEqualTo(11);
    assertThat(DiffusionSampler.of(Sampler.DDIM).progressSteps(s, job)).isEqualTo(9);
    assertThat(DiffusionSampler.of(Sampler.DDIM).progressSteps(s, SamplingJob.textToImage(20, new double[4])))
        .isEqualTo(19);
  }

  @Test
  void a_perfect_denoiser_returns_the_clean_latent_with_an_ode_sampler() {
    double[] clean = {0.3, -0.2, 1.1, 0.0};
    NoiseSchedule s = NoiseSchedule.stableDiffusion();
    // eps of a model that knows the clean latent exactly: (x - x0) / sigma in sigma space
    NoisePredictor oracle = (xIn, t) -> {
      double sigma = s.tToSigma(t);
      double scale = Math.sqrt(sigma * sigma + 1);
      double[] eps = new double[xIn.length];
      for (int i = 0; i < eps.length; i++) {
        eps[i] = (xIn[i] * scale - clean[i]) / sigma;
      }
      return eps;
    };
    double[] out = DiffusionSampler.of(Sampler.DPMPP_2M_KARRAS).sample(oracle, s,
        SamplingJob.textToImage(10, new double[] {1, -1, 0.5, 2}), NoiseSource.seeded(3), DenoisingProgress.NONE);
    assertThat(out).containsExactly(clean, org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void seeded_noise_repeats_and_differs_between_seeds() {
    assertThat(NoiseSource.seeded(42).next(8)).containsExactly(NoiseSource.seeded(42).next(8));
    assertThat(NoiseSource.seeded(42).next(8)).isNotEqualTo(NoiseSource.seeded(43).next(8));
    // java.util.Random's Gaussian is specified by the JLS/Javadoc: a fixed value for seed 42
    assertThat(NoiseSource.seeded(42).next(1)[0]).isEqualTo(1.1419053154730547);
  }

  @Test
  void rejects_inconsistent_jobs() {
    assertThatThrownBy(() -> new SamplingJob(10, new double[4], new double[4], null))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("both");
    assertThatThrownBy(() -> SamplingJob.imageToImage(10, new double[4], new double[3], 0.5))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("3");
    assertThatThrownBy(() -> SamplingJob.textToImage(0, new double[4]))
        .isInstanceOf(InvalidRequestException.class);
  }
}
