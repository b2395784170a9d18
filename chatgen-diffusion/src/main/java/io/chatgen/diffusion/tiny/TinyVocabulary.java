package io.chatgen.diffusion.tiny;

import com.google.gson.GsonBuilder;
import io.chatgen.core.ModelLoadException;
import io.chatgen.diffusion.tokenizer.ClipTokenizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The tiny model's CLIP BPE vocabulary, in the layout of CLIP's own files: the 256 byte symbols,
 * the same with the end-of-word mark {@code </w>}, one token per merge, then
 * {@code <|startoftext|>} and {@code <|endoftext|>}. The merges are learnt by plain BPE over the
 * caption words ({@link ShapeScene#vocabularyWords()}) until every caption word is a single token;
 * other words still tokenize, into smaller pieces. Immutable.
 *
 * @param vocab token to id, ids 0..size-1
 * @param merges the merges in rank order ("a b" each)
 */
public record TinyVocabulary(Map<String, Integer> vocab, List<String> merges) {

  public TinyVocabulary {
    vocab = Map.copyOf(vocab);
    merges = List.copyOf(merges);
  }

  /** Learns the vocabulary from the caption words (deterministic: ties go to the smaller pair). */
  public static TinyVocabulary build() {
    return learn(ShapeScene.vocabularyWords());
  }

  static TinyVocabulary learn(List<String> words) {
    char[] bytes = byteSymbols();
    List<List<String>> corpus = new ArrayList<>();
    for (String w : words) {
      byte[] utf8 = w.getBytes(StandardCharsets.UTF_8);
      List<String> symbols = new ArrayList<>();
      for (int i = 0; i < utf8.length; i++) {
        String s = String.valueOf(bytes[utf8[i] & 0xFF]);
        symbols.add(i == utf8.length - 1 ? s + "</w>" : s);
      }
      corpus.add(symbols);
    }
    List<String> merges = new ArrayList<>();
    while (true) {
      TreeMap<String, Integer> counts = new TreeMap<>();
      for (List<String> symbols : corpus) {
        for (int i = 0; i + 1 < symbols.size(); i++) {
          counts.merge(symbols.get(i) + " " + symbols.get(i + 1), 1, Integer::sum);
        }
      }
      if (counts.isEmpty()) {
        break;
      }
      String best = null;
      int bestCount = 0;
      for (Map.Entry<String, Integer> e : counts.entrySet()) {
        if (e.getValue() > bestCount) {
          best = e.getKey();
          bestCount = e.getValue();
        }
      }
      merges.add(best);
      String[] pair = best.split(" ");
      for (List<String> symbols : corpus) {
        for (int i = 0; i + 1 < symbols.size(); i++) {
          if (symbols.get(i).equals(pair[0]) && symbols.get(i + 1).equals(pair[1])) {
            symbols.set(i, pair[0] + pair[1]);
            symbols.remove(i + 1);
          }
        }
      }
    }
    Map<String, Integer> vocab = new LinkedHashMap<>();
    for (char c : bytes) {
      vocab.put(String.valueOf(c), vocab.size());
    }
    for (char c : bytes) {
      vocab.put(c + "</w>", vocab.size());
    }
    for (String m : merges) {
      vocab.putIfAbsent(m.replace(" ", ""), vocab.size());
    }
    vocab.put("<|startoftext|>", vocab.size());
    vocab.put("<|endoftext|>", vocab.size());
    return new TinyVocabulary(vocab, merges);
  }

  /** The number of tokens (the text encoder's embedding needs at least this many rows). */
  public int size() {
    return vocab.size();
  }

  /** A tokenizer over this vocabulary. */
  public ClipTokenizer tokenizer() {
    return ClipTokenizer.of(vocab, merges);
  }

  /**
   * Writes {@code vocab.json} (ids ascending) and {@code merges.txt} (with CLIP's version header)
   * into {@code dir}.
   *
   * @throws ModelLoadException if a file cannot be written
   */
  public void write(Path dir) {
    Map<String, Integer> ordered = new LinkedHashMap<>();
    vocab.entrySet().stream().sorted(Map.Entry.comparingByValue())
        .forEach(e -> ordered.put(e.getKey(), e.getValue()));
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("vocab.json"),
          new GsonBuilder().disableHtmlEscaping().create().toJson(ordered), StandardCharsets.UTF_8);
      Files.writeString(dir.resolve("merges.txt"),
          "#version: 0.2\n" + String.join("\n", merges) + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ModelLoadException("cannot write the tiny tokenizer into " + dir + ": " + e.getMessage(), e);
    }
  }

  /** CLIP's bytes_to_unicode: printable bytes map to themselves, the rest to 256+n. */
  private static char[] byteSymbols() {
    char[] map = new char[256];
    int n = 0;
    for (int b = 0; b < 256; b++) {
      boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || b >= 0xAE;
      map[b] = printable ? (char) b : (char) (256 + n++);
    }
    return map;
  }
}
