package io.chatgen.diffusion.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.chatgen.core.Sampler;
import io.chatgen.core.stage.DenoisingProgress;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Compares every sampler with an independent float64 re-implementation of the k-diffusion and
 * A1111 formulas (make_sampler_fixtures.py next to the fixture), run on the same analytic toy
 * noise predictor with the same noise.
 */
class SamplerReferenceTest {
  /** Both sides compute in double; the differences are rounding in different operation orders. */
  private static final double TOLERANCE = 1e-9;

  private static JsonObject fixture;

  @BeforeAll
  static void readFixture() throws IOException {
    try (InputStream in = SamplerReferenceTest.class.getResourceAsStream("sampler_fixtures.json")) {
      assertThat(in).as("sampler_fixtures.json on the test classpath").isNotNull();
      fixture = JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
    }
  }

  static double[] doubles(JsonElement e) {
    JsonArray a = e.getAsJsonArray();
    double[] out = new double[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = a.get(i).getAsDouble();
    }
    return out;
  }

  private static double maxAbsDiff(double[] a, double[] b) {
    assertThat(a).hasSameSizeAs(b);
    double m = 0;
    for (int i = 0; i < a.length; i++) {
      m = Math.max(m, Math.abs(a[i] - b[i]));
    }
    return m;
  }

  /** The toy model of the script: Gaussian-data optimal eps plus a timestep-dependent wiggle. */
  private static NoisePredictor toyModel(NoiseSchedule schedule) {
    double[] mu = doubles(fixture.get("mu"));
    double[] var = doubles(fixture.get("var"));
    return (xIn, t) -> {
      double sigma = schedule.tToSigma(t);
      double scale = Math.sqrt(sigma * sigma + 1);
      double[] eps = new double[xIn.length];
      for (int i = 0; i < xIn.length; i++) {
        double x = xIn[i] * scale;
        double den = mu[i] + (x - mu[i]) * var[i] / (sigma * sigma + var[i]);
        eps[i] = (x - den) / sigma + 0.05 * Math.sin(3 * xIn[i] + t / 97.0);
      }
      return eps;
    };
  }

  private static NoiseSource poolNoise() {
    JsonArray pool = fixture.getAsJsonArray("noisePool");
    int[] next = {0};
    return n -> {
      double[] v = doubles(pool.get(next[0]++));
      assertThat(v).hasSize(n);
      return v;
    };
  }

  @Test
  void stable_diffusion_schedule_matches_the_reference() {
    NoiseSchedule s = NoiseSchedule.stableDiffusion();
    JsonObject ref = fixture.getAsJsonObject("schedule");
    assertThat(s.sigmaMin()).isCloseTo(ref.get("sigmaMin").getAsDouble(), within(1e-15));
    assertThat(s.sigmaMax()).isCloseTo(ref.get("sigmaMax").getAsDouble(), within(1e-12));
    assertThat(s.sigmaMin()).isCloseTo(0.0292, within(1e-4));
    assertThat(s.sigmaMax()).isCloseTo(14.6146, within(1e-4));
    for (Map.Entry<String, JsonElement> e : ref.getAsJsonObject("alphasCumprodAt").entrySet()) {
      assertThat(s.alphaCumprod(Integer.parseInt(e.getKey())))
          .isCloseTo(e.getValue().getAsDouble(), within(1e-15));
    }
    for (Map.Entry<String, JsonElement> e : ref.getAsJsonObject("sigmaToT").entrySet()) {
      assertThat(s.sigmaToT(Double.parseDouble(e.getKey())))
          .as("sigma_to_t(%s)", e.getKey())
          .isCloseTo(e.getValue().getAsDouble(), within(1e-9));
    }
    assertThat(maxAbsDiff(s.normalSigmas(20), doubles(ref.get("normal20")))).isLessThan(1e-12);
    assertThat(maxAbsDiff(s.sigmas(ScheduleType.KARRAS, 20), doubles(ref.get("karras20")))).isLessThan(1e-12);
    assertThat(maxAbsDiff(s.sigmas(ScheduleType.EXPONENTIAL, 20), doubles(ref.get("exponential20"))))
        .isLessThan(1e-12);
  }

  @Test
  void ddim_timesteps_follow_a1111_including_the_uneven_stride() {
    JsonObject ref = fixture.getAsJsonObject("schedule");
    assertThat(TimestepAlgorithm.timesteps(20, 1000)).containsExactly(
        ref.getAsJsonArray("ddimTimesteps20").asList().stream().mapToInt(JsonElement::getAsInt).toArray());
    int[] t30 = TimestepAlgorithm.timesteps(30, 1000);
    assertThat(t30).containsExactly(
        ref.getAsJsonArray("ddimTimesteps30").asList().stream().mapToInt(JsonElement::getAsInt).toArray());
    assertThat(t30).hasSize(31);
  }

  static Stream<Arguments> runs() {
    if (fixture == null) {
      try {
        readFixture();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
    return fixture.getAsJsonArray("runs").asList().stream().map(JsonElement::getAsJsonObject)
        .map(r -> Arguments.of(r.get("sampler").getAsString(), r.get("img2img").getAsBoolean(), r));
  }

  @ParameterizedTest(name = "{0}, img2img={1}")
  @MethodSource("runs")
  void sampler_matches_the_independent_reference(String name, boolean img2img, JsonObject run) {
    NoiseSchedule schedule = NoiseSchedule.stableDiffusion();
    DiffusionSampler sampler = DiffusionSampler.of(Sampler.lookup(name));
    double[] noise = doubles(fixture.get("initialNoise"));
    SamplingJob job = img2img
        ? SamplingJob.imageToImage(fixture.get("img2imgSteps").getAsInt(), noise,
            doubles(fixture.get("initLatent")), fixture.get("strength").getAsDouble())
        : SamplingJob.textToImage(fixture.get("steps").getAsInt(), noise);
    double[] refSchedule = doubles(run.get("schedule"));
    int[] reported = {0, -1};
    DenoisingProgress progress = (step, total) -> {
      assertThat(step).isEqualTo(reported[0] + 1);
      reported[0] = step;
      reported[1] = total;
    };

    double[] out = sampler.sample(toyModel(schedule), schedule, job, poolNoise(), progress);

    double err = maxAbsDiff(out, doubles(run.get("final")));
    assertThat(err).as("max |java - reference| for %s img2img=%s", name, img2img).isLessThan(TOLERANCE);
    // UniPC reports one step per update (n timesteps, n updates); the others one per interval
    int expectedSteps = name.equals("UniPC") ? refSchedule.length : refSchedule.length - 1;
    assertThat(reported[0]).isEqualTo(expectedSteps).isEqualTo(reported[1])
        .isEqualTo(sampler.progressSteps(schedule, job));
    if (!sampler.usesTimesteps() && !img2img) {
      assertThat(maxAbsDiff(sampler.sigmas(schedule, job.steps()), refSchedule)).isLessThan(1e-12);
    }
    System.out.printf("sampler %-20s img2img=%-5s max abs error %.3e%n", name, img2img, err);
  }
}
