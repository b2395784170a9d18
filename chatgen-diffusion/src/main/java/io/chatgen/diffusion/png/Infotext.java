package io.chatgen.diffusion.png;

import com.google.gson.Gson;
import com.google.gson.JsonParseException;
import io.chatgen.core.DataFormatException;
import io.chatgen.core.GenerationParams;
import io.chatgen.core.InvalidRequestException;
import io.chatgen.core.Sampler;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A1111's generation parameters text ("infotext"), as its {@code create_infotext} writes it into
 * the PNG {@code parameters} chunk and its {@code parse_generation_parameters} reads it back:
 *
 * <pre>
 * a castle on a hill
 * Negative prompt: blurry
 * Steps: 20, Sampler: Euler a, CFG scale: 7, Seed: 42, Size: 512x512, Model hash: abcdef1234, Model: name, Clip skip: 2
 * </pre>
 *
 * The "Negative prompt" line is left out when the negative prompt is empty; fields appear in
 * A1111's order, values holding a comma, colon or newline are JSON-quoted, "Clip skip" only when
 * above 1 and "Denoising strength" only for image-to-image.
 *
 * @param prompt the prompt (may span lines)
 * @param negativePrompt the negative prompt, empty when none
 * @param parameters the fields of the last line in order, values unquoted
 */
public record Infotext(String prompt, String negativePrompt, Map<String, String> parameters) {
  /** The PNG text keyword A1111 uses. */
  public static final String PNG_KEYWORD = "parameters";

  private static final Gson GSON = new com.google.gson.GsonBuilder().disableHtmlEscaping().create();
  /**
   * A1111's field pattern ({@code \s*(\w[\w \-/]+):\s*("(?:\\.|[^\\"])+"|[^,]*)(?:,|$)}) with the
   * leading spaces and the key bounded: unbounded, every start inside a long run of words or spaces
   * scanned to its end, and a PNG whose last line is 32,000 letters took 4 s to read (quadratic);
   * real keys ("Steps", "Denoising strength") are far shorter than 100 characters.
   */
  private static final Pattern PARAM = Pattern.compile(
      "\\s{0,64}(\\w[\\w \\-/]{1,99}):\\s*+(\"(?:\\\\.|[^\\\\\"])+\"|[^,]*)(?:,|$)");
  private static final Pattern SIZE = Pattern.compile("^(\\d+)x(\\d+)$");

  public Infotext {
    if (prompt == null || negativePrompt == null || parameters == null) {
      throw new InvalidRequestException("prompt, negative prompt and parameters must not be null");
    }
    parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
  }

  /**
   * The infotext A1111 would write for these parameters.
   *
   * @param modelHash A1111's short model hash (AutoV2, 10 hex digits), or null to leave it out
   * @param modelName the checkpoint's name (file name without extension in A1111), or null
   */
  public static Infotext of(String prompt, String negativePrompt, GenerationParams params,
      @Nullable String modelHash, @Nullable String modelName) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("Steps", Integer.toString(params.steps()));
    p.put("Sampler", params.sampler().a1111Name());
    p.put("CFG scale", number(params.cfgScale()));
    p.put("Seed", Long.toString(params.seed()));
    p.put("Size", params.width() + "x" + params.height());
    if (modelHash != null && !modelHash.isBlank()) {
      p.put("Model hash", modelHash);
    }
    if (modelName != null && !modelName.isBlank()) {
      p.put("Model", modelName);
    }
    if (params.denoisingStrength() != null) {
      p.put("Denoising strength", number(params.denoisingStrength()));
    }
    if (params.clipSkip() > 1) {
      p.put("Clip skip", Integer.toString(params.clipSkip()));
    }
    return new Infotext(prompt, negativePrompt, p);
  }

  /**
   * The infotext of a generated image: its plan's prompt, negative prompt and parameters, and the
   * checkpoint that drew it (A1111 names the model by file name without extension and shows the
   * AutoV2 hash in lower case).
   */
  public static Infotext of(io.chatgen.core.GeneratedImage image) {
    io.chatgen.core.ModelCard card = image.drawnWith();
    String hash = card.autoV2Hashes().stream().findFirst().map(h -> h.toLowerCase(java.util.Locale.ROOT)).orElse(null);
    String name = card.primaryFile().map(f -> f.name().replaceFirst("\\.(safetensors|ckpt|pt)$", "")).orElse(card.name());
    return of(image.plan().prompt().prompt(), image.plan().prompt().negativePrompt(), image.plan().generationParams(),
        hash, name);
  }

  /** A generated image as a PNG with its infotext; the same image gives the same bytes. */
  public static byte[] png(io.chatgen.core.GeneratedImage image) {
    return of(image).toPng(image.width(), image.height(), image.rgb());
  }

  /** The text as A1111 writes it. */
  public String text() {
    StringBuilder b = new StringBuilder(prompt);
    if (!negativePrompt.isEmpty()) {
      b.append("\nNegative prompt: ").append(negativePrompt);
    }
    List<String> fields = new ArrayList<>();
    for (Map.Entry<String, String> e : parameters.entrySet()) {
      fields.add(e.getKey().equals(e.getValue()) ? e.getKey() : e.getKey() + ": " + quote(e.getValue()));
    }
    b.append('\n').append(String.join(", ", fields));
    return b.toString().strip();
  }

  @Override
  public String toString() {
    return text();
  }

  /**
   * Parses an infotext as A1111's {@code parse_generation_parameters} does: the last line holds
   * the fields when at least 3 "Key: value" pairs are found in it; lines from "Negative prompt:"
   * on are the negative prompt. "Size" stays one field here ("512x512").
   */
  public static Infotext parse(String text) {
    String[] lines = text.strip().split("\n", -1);
    List<String> body = new ArrayList<>(List.of(lines).subList(0, lines.length - 1));
    String last = lines[lines.length - 1];
    Matcher m = PARAM.matcher(last);
    int found = 0;
    while (m.find()) {
      found++;
    }
    if (found < 3) {
      body.add(last);
      last = "";
    }
    StringBuilder prompt = new StringBuilder();
    StringBuilder negative = new StringBuilder();
    boolean inNegative = false;
    for (String raw : body) {
      String line = raw.strip();
      if (line.startsWith("Negative prompt:")) {
        inNegative = true;
        line = line.substring("Negative prompt:".length()).strip();
      }
      StringBuilder target = inNegative ? negative : prompt;
      if (!target.isEmpty()) {
        target.append('\n');
      }
      target.append(line);
    }
    Map<String, String> params = new LinkedHashMap<>();
    m = PARAM.matcher(last);
    while (m.find()) {
      String v = m.group(2);
      if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
        try {
          v = GSON.fromJson(v, String.class);
        } catch (JsonParseException e) {
          // A1111 keeps a value it cannot unquote as written
        }
      }
      params.put(m.group(1), v);
    }
    return new Infotext(prompt.toString(), negative.toString(), params);
  }

  /** The infotext in a PNG's "parameters" chunk, if any. */
  public static Optional<Infotext> readPng(byte[] png) {
    return Optional.ofNullable(PngTextChunks.read(png).get(PNG_KEYWORD)).map(Infotext::parse);
  }

  /** The infotext in a PNG file's "parameters" chunk, if any. */
  public static Optional<Infotext> readPng(Path png) {
    return Optional.ofNullable(PngTextChunks.read(png).get(PNG_KEYWORD)).map(Infotext::parse);
  }

  /** Encodes pixels (0xRRGGBB, row-major) as a PNG carrying this infotext; deterministic. */
  public byte[] toPng(int width, int height, int[] rgb) {
    return PngEncoder.encode(width, height, rgb, Map.of(PNG_KEYWORD, text()));
  }

  /** A field's value, if present. */
  public Optional<String> get(String field) {
    return Optional.ofNullable(parameters.get(field));
  }

  /** "Steps". */
  public OptionalInt steps() {
    return intField("Steps");
  }

  /** "Seed". */
  public OptionalLong seed() {
    try {
      return get("Seed").map(s -> OptionalLong.of(Long.parseLong(s.trim()))).orElse(OptionalLong.empty());
    } catch (NumberFormatException e) {
      throw bad("Seed", e);
    }
  }

  /** "CFG scale". */
  public OptionalDouble cfgScale() {
    return doubleField("CFG scale");
  }

  /** "Denoising strength". */
  public OptionalDouble denoisingStrength() {
    return doubleField("Denoising strength");
  }

  /** "Clip skip", 1 when absent as A1111 assumes. */
  public int clipSkip() {
    return intField("Clip skip").orElse(1);
  }

  /** "Sampler", resolved leniently ("DPM++ 2M Karras"); empty when absent or unknown. */
  public Optional<Sampler> sampler() {
    return get("Sampler").flatMap(Sampler::find);
  }

  /** "Model hash". */
  public Optional<String> modelHash() {
    return get("Model hash");
  }

  /** "Model". */
  public Optional<String> model() {
    return get("Model");
  }

  /** "Size" as {width, height}. */
  public Optional<int[]> size() {
    return get("Size").map(s -> {
      Matcher m = SIZE.matcher(s.trim());
      if (!m.matches()) {
        throw new DataFormatException("infotext field Size should be WIDTHxHEIGHT, was \"" + s + "\"");
      }
      return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))};
    });
  }

  private OptionalInt intField(String field) {
    try {
      return get(field).map(s -> OptionalInt.of(Integer.parseInt(s.trim()))).orElse(OptionalInt.empty());
    } catch (NumberFormatException e) {
      throw bad(field, e);
    }
  }

  private OptionalDouble doubleField(String field) {
    try {
      return get(field).map(s -> OptionalDouble.of(Double.parseDouble(s.trim()))).orElse(OptionalDouble.empty());
    } catch (NumberFormatException e) {
      throw bad(field, e);
    }
  }

  private DataFormatException bad(String field, Exception e) {
    return new DataFormatException("infotext field " + field + " is not a number: \"" + parameters.get(field) + "\"", e);
  }

  /** A1111's {@code quote}: JSON-quoted when the value holds a comma, newline or colon. */
  static String quote(String v) {
    if (v.indexOf(',') < 0 && v.indexOf('\n') < 0 && v.indexOf(':') < 0) {
      return v;
    }
    return GSON.toJson(v);
  }

  /** Whole numbers without a fraction ("7"), others in their shortest exact form ("7.5"). */
  static String number(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
  }
}
