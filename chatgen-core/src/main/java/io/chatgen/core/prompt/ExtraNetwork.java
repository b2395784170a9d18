package io.chatgen.core.prompt;

import java.util.List;

/**
 * An extra-network tag such as {@code <lora:name:0.8>} or {@code <hypernet:name:1>}.
 *
 * @param kind "lora", "lyco", "hypernet", ...
 * @param name the network's name
 * @param args the remaining colon-separated arguments as written (weights, usually)
 */
public record ExtraNetwork(String kind, String name, List<String> args) {
  public ExtraNetwork {
    args = List.copyOf(args);
  }

  /** The first argument as a multiplier, 1.0 when absent or not a number (as A1111 does). */
  public double multiplier() {
    if (args.isEmpty()) {
      return 1.0;
    }
    try {
      return Double.parseDouble(args.get(0).trim());
    } catch (NumberFormatException e) {
      return 1.0;
    }
  }

  /** The tag as written in a prompt. */
  public String toPromptString() {
    StringBuilder b = new StringBuilder("<").append(kind).append(':').append(name);
    for (String a : args) {
      b.append(':').append(a);
    }
    return b.append('>').toString();
  }
}
