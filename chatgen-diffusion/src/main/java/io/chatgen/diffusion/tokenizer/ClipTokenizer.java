package io.chatgen.diffusion.tokenizer;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.chatgen.core.InvalidRequestException;
import io.chatgen.core.ModelLoadException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CLIP's byte-level BPE tokenizer (OpenAI's {@code simple_tokenizer}, Hugging Face's
 * {@code CLIPTokenizer}), as Stable Diffusion's text encoder expects it.
 *
 * <p>Text is cleaned as CLIP does (HTML entities unescaped, runs of whitespace collapsed, lower
 * case; ftfy's mojibake repair is not reproduced), split with CLIP's pattern into special tokens,
 * contractions, letter runs, single digits and punctuation runs, each piece's UTF-8 bytes mapped to
 * printable characters, the last one marked with {@code </w>}, and merged by the ranks in
 * {@code merges.txt}. BOS and EOS are {@code <|startoftext|>} and {@code <|endoftext|>} looked up
 * in the vocabulary (49406 and 49407 in SD's); unknown pieces map to EOS, Hugging Face's unknown
 * token.
 *
 * <p>Immutable apart from a merge cache; thread-safe.
 */
public final class ClipTokenizer {
  /** Tokens a text-encoder window holds: BOS + 75 + EOS. */
  public static final int CONTEXT_LENGTH = 77;
  /** Hugging Face reads at most this many merges, the size of CLIP's vocabulary minus bytes and specials. */
  static final int MAX_MERGES = 49152 - 256 - 2;

  private static final Logger log = LoggerFactory.getLogger(ClipTokenizer.class);
  private static final Pattern WORDS = Pattern.compile(
      "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+",
      Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.UNICODE_CHARACTER_CLASS);
  private static final Pattern WHITESPACE = Pattern.compile("\\s+", Pattern.UNICODE_CHARACTER_CLASS);
  private static final char[] BYTE_TO_CHAR = byteEncoder();

  private final Map<String, Integer> vocab;
  private final Map<String, Integer> mergeRanks;
  private final int bos;
  private final int eos;
  private final Map<String, List<String>> cache = new ConcurrentHashMap<>();

  private ClipTokenizer(Map<String, Integer> vocab, List<String> merges) {
    this.vocab = Map.copyOf(vocab);
    Map<String, Integer> ranks = new HashMap<>();
    for (int i = 0; i < merges.size(); i++) {
      String m = merges.get(i);
      String[] parts = m.split(" ");
      if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
        throw new InvalidRequestException(
            "merge " + (i + 1) + " \"" + m + "\" is not two symbols separated by one space");
      }
      ranks.putIfAbsent(m, i);
    }
    this.mergeRanks = Map.copyOf(ranks);
    this.bos = special(this.vocab, "<|startoftext|>");
    this.eos = special(this.vocab, "<|endoftext|>");
    // as CLIP seeds its cache: the special tokens are whole, without an end-of-word mark
    cache.put("<|startoftext|>", List.of("<|startoftext|>"));
    cache.put("<|endoftext|>", List.of("<|endoftext|>"));
  }

  private static int special(Map<String, Integer> vocab, String token) {
    Integer id = vocab.get(token);
    if (id == null) {
      throw new InvalidRequestException(
          "the vocabulary has no " + token + " token; use the vocab.json of a CLIP tokenizer");
    }
    return id;
  }

  /**
   * A tokenizer from a vocabulary (token to id) and the merges in rank order ("a b" each).
   *
   * @throws InvalidRequestException when a merge is malformed or the special tokens are missing
   */
  public static ClipTokenizer of(Map<String, Integer> vocab, List<String> merges) {
    return new ClipTokenizer(vocab, merges);
  }

  /**
   * Loads {@code vocab.json} and {@code merges.txt} from a folder, or from its {@code tokenizer}
   * subfolder (the layout of diffusers model folders).
   *
   * @throws ModelLoadException naming the file when either is missing or malformed
   */
  public static ClipTokenizer load(Path folder) {
    Path dir = Files.isRegularFile(folder.resolve("vocab.json")) ? folder : folder.resolve("tokenizer");
    return load(dir.resolve("vocab.json"), dir.resolve("merges.txt"));
  }

  /**
   * Loads a tokenizer from its two files. As CLIP does, the first line of {@code merges.txt} (the
   * "#version" header) is skipped and at most 48,894 merges are read.
   *
   * @throws ModelLoadException naming the file when either is missing or malformed
   */
  public static ClipTokenizer load(Path vocabJson, Path mergesTxt) {
    Map<String, Integer> vocab = new HashMap<>();
    try (Reader r = Files.newBufferedReader(vocabJson, StandardCharsets.UTF_8)) {
      JsonObject o = JsonParser.parseReader(r).getAsJsonObject();
      for (Map.Entry<String, JsonElement> e : o.entrySet()) {
        vocab.put(e.getKey(), e.getValue().getAsInt());
      }
    } catch (NoSuchFileException e) {
      throw new ModelLoadException("tokenizer vocabulary " + vocabJson
          + " not found; put the CLIP tokenizer's vocab.json and merges.txt there", e);
    } catch (IOException | JsonParseException | IllegalStateException | UnsupportedOperationException
        | NumberFormatException e) {
      throw new ModelLoadException("cannot read tokenizer vocabulary " + vocabJson
          + ": expected a JSON object of token -> id (" + e.getMessage() + ")", e);
    }
    List<String> merges = new ArrayList<>();
    try {
      List<String> lines = Files.readAllLines(mergesTxt, StandardCharsets.UTF_8);
      int start = !lines.isEmpty() && lines.get(0).startsWith("#") ? 1 : 0;
      for (int i = start; i < lines.size() && merges.size() < MAX_MERGES; i++) {
        if (!lines.get(i).isEmpty()) {
          merges.add(lines.get(i));
        }
      }
    } catch (NoSuchFileException e) {
      throw new ModelLoadException("tokenizer merges " + mergesTxt
          + " not found; put the CLIP tokenizer's vocab.json and merges.txt there", e);
    } catch (IOException e) {
      throw new ModelLoadException("cannot read tokenizer merges " + mergesTxt + ": " + e.getMessage(), e);
    }
    try {
      ClipTokenizer t = new ClipTokenizer(vocab, merges);
      log.debug("loaded CLIP tokenizer: {} tokens, {} merges from {}", vocab.size(), merges.size(), vocabJson);
      return t;
    } catch (InvalidRequestException e) {
      throw new ModelLoadException("tokenizer files " + vocabJson + " / " + mergesTxt + ": " + e.getMessage(), e);
    }
  }

  /** The id of {@code <|startoftext|>}. */
  public int bosId() {
    return bos;
  }

  /** The id of {@code <|endoftext|>}, also the padding of SD 1.x. */
  public int eosId() {
    return eos;
  }

  /** The vocabulary size. */
  public int vocabSize() {
    return vocab.size();
  }

  /** The id of a vocabulary entry (e.g. {@code ",</w>"}), if present. */
  public OptionalInt id(String token) {
    Integer id = vocab.get(token);
    return id == null ? OptionalInt.empty() : OptionalInt.of(id);
  }

  /** CLIP's text cleaning: HTML entities unescaped (twice, as CLIP), whitespace collapsed, trimmed, lower-cased. */
  public static String clean(String text) {
    String s = HtmlEntities.unescape(HtmlEntities.unescape(text)).strip();
    s = WHITESPACE.matcher(s).replaceAll(" ").strip();
    return s.toLowerCase(java.util.Locale.ROOT);
  }

  /** The BPE pieces of a text, without BOS/EOS (what A1111 tokenizes with add_special_tokens=False). */
  public List<String> pieces(String text) {
    List<String> out = new ArrayList<>();
    Matcher m = WORDS.matcher(clean(text));
    while (m.find()) {
      out.addAll(cache.computeIfAbsent(toByteChars(m.group()), ClipTokenizer.this::bpe));
    }
    return out;
  }

  /** The token ids of a text, without BOS/EOS and without truncation. */
  public int[] encode(String text) {
    List<String> pieces = pieces(text);
    int[] ids = new int[pieces.size()];
    for (int i = 0; i < ids.length; i++) {
      Integer id = vocab.get(pieces.get(i));
      ids[i] = id == null ? eos : id;
    }
    return ids;
  }

  /**
   * One text-encoder window: BOS, the first 75 tokens of the text, EOS, then EOS padding to 77
   * (SD 1.x pads with EOS).
   */
  public int[] encodeWindow(String text) {
    int[] ids = encode(text);
    int[] out = new int[CONTEXT_LENGTH];
    Arrays.fill(out, eos);
    out[0] = bos;
    System.arraycopy(ids, 0, out, 1, Math.min(ids.length, CONTEXT_LENGTH - 2));
    return out;
  }

  private static String toByteChars(String piece) {
    byte[] bytes = piece.getBytes(StandardCharsets.UTF_8);
    char[] chars = new char[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      chars[i] = BYTE_TO_CHAR[bytes[i] & 0xFF];
    }
    return new String(chars);
  }

  /** CLIP's bpe(): the lowest-ranked adjacent pair is merged everywhere until none is ranked. */
  private List<String> bpe(String token) {
    List<String> word = new ArrayList<>();
    for (int i = 0; i < token.length() - 1; i++) {
      word.add(String.valueOf(token.charAt(i)));
    }
    word.add(token.charAt(token.length() - 1) + "</w>");
    while (word.size() > 1) {
      int bestRank = Integer.MAX_VALUE;
      String first = null;
      String second = null;
      for (int i = 0; i < word.size() - 1; i++) {
        Integer r = mergeRanks.get(word.get(i) + " " + word.get(i + 1));
        if (r != null && r < bestRank) {
          bestRank = r;
          first = word.get(i);
          second = word.get(i + 1);
        }
      }
      if (first == null) {
        break;
      }
      List<String> merged = new ArrayList<>(word.size());
      for (int i = 0; i < word.size(); i++) {
        if (i < word.size() - 1 && word.get(i).equals(first) && word.get(i + 1).equals(second)) {
          merged.add(first + second);
          i++;
        } else {
          merged.add(word.get(i));
        }
      }
      word = merged;
    }
    return List.copyOf(word);
  }

  /** GPT-2/CLIP's bytes_to_unicode: printable bytes map to themselves, the rest to 256+n. */
  static char[] byteEncoder() {
    char[] map = new char[256];
    boolean[] printable = new boolean[256];
    for (int b = '!'; b <= '~'; b++) {
      printable[b] = true;
    }
    for (int b = 0xA1; b <= 0xAC; b++) {
      printable[b] = true;
    }
    for (int b = 0xAE; b <= 0xFF; b++) {
      printable[b] = true;
    }
    int n = 0;
    for (int b = 0; b < 256; b++) {
      map[b] = printable[b] ? (char) b : (char) (256 + n++);
    }
    return map;
  }
}
