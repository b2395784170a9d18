package io.chatgen.core;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The samplers people name in A1111 and on Civitai, with lenient lookup of the names users type
 * ("DPM++ 2M Karras", "dpmpp_2m_karras", "k_euler_a", "Euler A").
 */
public enum Sampler {
  EULER("Euler", false, false, "k_euler", "euler"),
  EULER_A("Euler a", false, true, "k_euler_a", "euler_ancestral", "euler ancestral"),
  LMS("LMS", false, false, "k_lms", "lms"),
  LMS_KARRAS("LMS Karras", true, false, "k_lms_karras", "lms_karras"),
  HEUN("Heun", false, false, "k_heun", "heun"),
  DPM2("DPM2", false, false, "k_dpm_2", "dpm_2"),
  DPM2_A("DPM2 a", false, true, "k_dpm_2_a", "dpm_2_ancestral"),
  DPM2_KARRAS("DPM2 Karras", true, false, "k_dpm_2_karras", "dpm_2_karras"),
  DPM2_A_KARRAS("DPM2 a Karras", true, true, "k_dpm_2_a_karras", "dpm_2_ancestral_karras"),
  DPMPP_2S_A("DPM++ 2S a", false, true, "k_dpmpp_2s_a", "dpmpp_2s_ancestral"),
  DPMPP_2S_A_KARRAS("DPM++ 2S a Karras", true, true, "k_dpmpp_2s_a_karras", "dpmpp_2s_ancestral_karras"),
  DPMPP_2M("DPM++ 2M", false, false, "k_dpmpp_2m", "dpmpp_2m"),
  DPMPP_2M_KARRAS("DPM++ 2M Karras", true, false, "k_dpmpp_2m_karras", "dpmpp_2m_karras"),
  DPMPP_SDE("DPM++ SDE", false, true, "k_dpmpp_sde", "dpmpp_sde"),
  DPMPP_SDE_KARRAS("DPM++ SDE Karras", true, true, "k_dpmpp_sde_karras", "dpmpp_sde_karras"),
  DPMPP_2M_SDE("DPM++ 2M SDE", false, true, "k_dpmpp_2m_sde", "dpmpp_2m_sde"),
  DPMPP_2M_SDE_KARRAS("DPM++ 2M SDE Karras", true, true, "k_dpmpp_2m_sde_karras", "dpmpp_2m_sde_karras"),
  DPM_FAST("DPM fast", false, true, "k_dpm_fast", "dpm_fast"),
  DPM_ADAPTIVE("DPM adaptive", false, true, "k_dpm_ad", "dpm_adaptive"),
  DDIM("DDIM", false, false, "ddim"),
  PLMS("PLMS", false, false, "plms"),
  UNIPC("UniPC", false, false, "unipc", "uni_pc");

  private static final Map<String, Sampler> BY_KEY = new HashMap<>();

  static {
    for (Sampler s : values()) {
      BY_KEY.put(key(s.a1111Name), s);
      BY_KEY.put(key(s.name()), s);
      for (String alias : s.aliases) {
        BY_KEY.put(key(alias), s);
      }
    }
  }

  private final String a1111Name;
  private final boolean karras;
  private final boolean stochastic;
  private final List<String> aliases;

  Sampler(String a1111Name, boolean karras, boolean stochastic, String... aliases) {
    this.a1111Name = a1111Name;
    this.karras = karras;
    this.stochastic = stochastic;
    this.aliases = List.of(aliases);
  }

  /** The name A1111 and Civitai use ("DPM++ 2M Karras"). */
  public String a1111Name() {
    return a1111Name;
  }

  /** Whether the sampler uses Karras et al.'s noise schedule. */
  public boolean karras() {
    return karras;
  }

  /** Whether the sampler injects fresh noise at each step (ancestral and SDE samplers). */
  public boolean stochastic() {
    return stochastic;
  }

  @Override
  public String toString() {
    return a1111Name;
  }

  /**
   * Finds a sampler by any of its names, ignoring case, spaces, punctuation and "+"/"p" spelling.
   *
   * @throws InvalidRequestException naming the value and listing the known samplers
   */
  public static Sampler lookup(String name) {
    return find(name).orElseThrow(() -> new InvalidRequestException(
        "unknown sampler \"" + name + "\"; known samplers: "
            + Arrays.stream(values()).map(Sampler::a1111Name).collect(Collectors.joining(", "))));
  }

  /** Like {@link #lookup} but empty when unknown. */
  public static Optional<Sampler> find(String name) {
    if (name == null) {
      return Optional.empty();
    }
    return Optional.ofNullable(BY_KEY.get(key(name)));
  }

  /**
   * The closest known sampler for a variant name seen in the wild ("DPM++ 2M Karras v2",
   * "DPM++ 2M Karras Sharp"): an exact match first, else the known name that is the longest
   * prefix of it. Used to score data, where users' custom variants are kin of a known sampler.
   */
  public static Optional<Sampler> closest(String name) {
    Optional<Sampler> exact = find(name);
    if (exact.isPresent() || name == null) {
      return exact;
    }
    String k = key(name);
    Sampler best = null;
    int bestLen = 0;
    for (Map.Entry<String, Sampler> e : BY_KEY.entrySet()) {
      if (k.startsWith(e.getKey()) && e.getKey().length() > bestLen) {
        best = e.getValue();
        bestLen = e.getKey().length();
      }
    }
    return Optional.ofNullable(best);
  }

  private static String key(String name) {
    String s = name.toLowerCase(Locale.ROOT).replace("++", "pp").replace("+", "p");
    s = s.startsWith("k_") ? s.substring(2) : s;
    StringBuilder b = new StringBuilder();
    for (char c : s.toCharArray()) {
      if (Character.isLetterOrDigit(c)) {
        b.append(c);
      }
    }
    String out = b.toString();
    // "ancestral" and a trailing "a" mean the same thing in A1111 and k-diffusion names
    return out.replace("ancestral", "a");
  }
}
