package io.chatgen.core;

import java.util.List;
import java.util.Locale;

/** The base architecture a checkpoint was fine-tuned from, which fixes its native resolutions. */
public enum BaseArchitecture {
  SD_1("SD 1.x", 512, List.of(512, 576, 640, 704, 768, 832, 896, 960, 1024)),
  SD_2("SD 2.x", 768, List.of(512, 576, 640, 704, 768, 832, 896, 960, 1024, 1152)),
  SDXL("SDXL", 1024, List.of(768, 832, 896, 960, 1024, 1088, 1152, 1216, 1344, 1536)),
  OTHER("other", 512, List.of(512, 576, 640, 704, 768, 832, 896, 960, 1024));

  private final String label;
  private final int nativeSide;
  private final List<Integer> commonSides;

  BaseArchitecture(String label, int nativeSide, List<Integer> commonSides) {
    this.label = label;
    this.nativeSide = nativeSide;
    this.commonSides = commonSides;
  }

  /** A short human label ("SD 1.x"). */
  public String label() {
    return label;
  }

  /** The side length the architecture was trained at (512 for SD 1.x). */
  public int nativeSide() {
    return nativeSide;
  }

  /** Side lengths people commonly use with this architecture, ascending. */
  public List<Integer> commonSides() {
    return commonSides;
  }

  /**
   * Maps Civitai's {@code baseModel} label ("SD 1.5", "SD 2.1 768", "SDXL 1.0", "Other") to an
   * architecture; anything unknown is {@link #OTHER}.
   */
  public static BaseArchitecture fromCivitai(String baseModel) {
    String s = baseModel == null ? "" : baseModel.trim().toLowerCase(Locale.ROOT);
    if (s.startsWith("sdxl")) {
      return SDXL;
    }
    if (s.startsWith("sd 1")) {
      return SD_1;
    }
    if (s.startsWith("sd 2")) {
      return SD_2;
    }
    return OTHER;
  }
}
