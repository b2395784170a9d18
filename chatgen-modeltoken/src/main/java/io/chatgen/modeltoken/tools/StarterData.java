package io.chatgen.modeltoken.tools;

import io.chatgen.core.ModelCard;
import io.chatgen.core.ModelLoadException;
import io.chatgen.core.data.ChatSample;
import io.chatgen.core.data.Demonstration;
import io.chatgen.core.data.ModelCatalog;
import io.chatgen.core.data.ReadMode;
import io.chatgen.modeltoken.LabeledText;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The Civitai data as the starter vocabulary sees it: the {@code train} demonstrations, the
 * models that have at least one, and the chat requests of {@code chats-train.jsonl} mapped to their
 * demo's model. Never reads {@code chats.jsonl}.
 *
 * @param catalog all models
 * @param train the train demonstrations, in file order
 * @param chatsTrain chats-train requests whose demo is a train demo
 * @param cards one card per model with a train demo, by ascending id
 * @param demoByImage every demonstration by image id
 */
public record StarterData(ModelCatalog catalog, List<Demonstration> train, List<ChatSample> chatsTrain,
    List<ModelCard> cards, Map<Long, Demonstration> demoByImage) {

  /** The data folder: {@code -Dchatgen.shared}/civitai, else {@code ../shared/civitai}. */
  public static Path defaultFolder() {
    return Path.of(System.getProperty("chatgen.shared", "../shared")).resolve("civitai");
  }

  /** Reads models, demos and chats-train from a folder like {@code ../shared/civitai}. */
  public static StarterData read(Path folder) {
    if (!Files.isDirectory(folder)) {
      throw new ModelLoadException("data folder " + folder + " does not exist: pass the civitai folder");
    }
    ModelCatalog catalog = ModelCatalog.readJsonl(folder.resolve("models.jsonl"), ReadMode.STRICT);
    List<Demonstration> demos = readDemos(folder.resolve("demos.jsonl"));
    Map<Long, Demonstration> byImage = new LinkedHashMap<>();
    List<Demonstration> train = new ArrayList<>();
    TreeSet<Long> ids = new TreeSet<>();
    for (Demonstration d : demos) {
      byImage.put(d.imageId(), d);
      if (d.split().equals("train") && catalog.byId(d.modelId()).isPresent()) {
        train.add(d);
        ids.add(d.modelId());
      }
    }
    List<ChatSample> chats = new ArrayList<>();
    for (ChatSample c : ChatSample.read(folder.resolve("chats-train.jsonl"), ReadMode.STRICT).records()) {
      Demonstration d = byImage.get(c.imageId());
      if (d != null && d.split().equals("train") && ids.contains(d.modelId())) {
        chats.add(c);
      }
    }
    List<ModelCard> cards = ids.stream().map(id -> catalog.byId(id).orElseThrow()).toList();
    return new StarterData(catalog, train, chats, cards, byImage);
  }

  /**
   * Reads the fields selection needs (ids, prompt, split, hash match) from {@code demos.jsonl}.
   * Core's {@link Demonstration#read} refuses, in strict mode, lines whose seed exceeds a long
   * (e.g. 17739416935733250000), and skips them in lenient mode; selection does not need the
   * seed, so this reader keeps those demonstrations (seed null) instead of losing them.
   */
  public static List<Demonstration> readDemos(Path file) {
    List<Demonstration> out = new ArrayList<>();
    try (java.io.BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int n = 0;
      while ((line = r.readLine()) != null) {
        n++;
        if (line.isBlank()) {
          continue;
        }
        try {
          com.google.gson.JsonObject o = com.google.gson.JsonParser.parseString(line).getAsJsonObject();
          com.google.gson.JsonElement neg = o.get("negativePrompt");
          com.google.gson.JsonElement match = o.get("modelHashMatches");
          out.add(new Demonstration(o.get("imageId").getAsLong(), o.get("modelId").getAsLong(),
              o.get("versionId").getAsLong(), o.get("prompt").getAsString(),
              neg == null || neg.isJsonNull() ? null : neg.getAsString(), null, null, null, null, null, null, null,
              null, match != null && !match.isJsonNull() && match.getAsBoolean(), o.get("split").getAsString()));
        } catch (RuntimeException e) {
          throw new io.chatgen.core.DataFormatException(file + ":" + n + ": " + e.getMessage(), e);
        }
      }
    } catch (java.io.IOException e) {
      throw new ModelLoadException("cannot read " + file + ": " + e.getMessage(), e);
    }
    return out;
  }

  /** The prompts of the train demonstrations. */
  public List<String> trainPrompts() {
    return train.stream().map(Demonstration::prompt).toList();
  }

  /** Whether a chats-train request is held out for calibration (30%, by image id). */
  public static boolean heldOutChat(long imageId) {
    return Math.floorMod(mix(imageId), 10) < 3;
  }

  /** (prompt, model) for train demos and (chat, model) for chats-train, optionally without held-out ones. */
  public List<LabeledText> pairs(boolean withoutHeldOut) {
    java.util.Set<Long> heldDemos = new java.util.HashSet<>();
    List<LabeledText> out = new ArrayList<>();
    for (ChatSample c : chatsTrain) {
      if (withoutHeldOut && heldOutChat(c.imageId())) {
        heldDemos.add(c.imageId());
      }
    }
    for (Demonstration d : train) {
      if (!heldDemos.contains(d.imageId()) && !d.prompt().isBlank()) {
        out.add(new LabeledText(d.prompt(), d.modelId()));
      }
    }
    for (ChatSample c : chatsTrain) {
      if (!(withoutHeldOut && heldOutChat(c.imageId()))) {
        out.add(new LabeledText(c.chat(), demoByImage.get(c.imageId()).modelId()));
      }
    }
    return out;
  }

  /** The held-out chats-train pairs (chat, model). */
  public List<LabeledText> heldOutChats() {
    return chatsTrain.stream().filter(c -> heldOutChat(c.imageId()))
        .map(c -> new LabeledText(c.chat(), demoByImage.get(c.imageId()).modelId())).toList();
  }

  /**
   * Weights of {@link #heldOutChats()}: the number of train demos of each chat's model. The
   * chats-train requests were written one per model, but requests to the selector (and the test
   * chats) come one per demonstration, so frequent models must weigh more in the calibration.
   */
  public double[] heldOutWeights() {
    Map<Long, Integer> demos = new java.util.HashMap<>();
    train.forEach(d -> demos.merge(d.modelId(), 1, Integer::sum));
    return heldOutChats().stream().mapToDouble(t -> demos.getOrDefault(t.modelId(), 1)).toArray();
  }

  /** Train demos kept in the memory: all, or all but the held-out chats' demos. */
  public List<Demonstration> memoryDemos(boolean withoutHeldOut) {
    java.util.Set<Long> held = new java.util.HashSet<>();
    if (withoutHeldOut) {
      chatsTrain.stream().filter(c -> heldOutChat(c.imageId())).forEach(c -> held.add(c.imageId()));
    }
    return train.stream().filter(d -> !held.contains(d.imageId()) && !d.prompt().isBlank()).toList();
  }

  /**
   * {@link #memoryDemos} plus the {@code unverified} demos of the vocabulary's models: images
   * posted on a model's page whose model hash matched none of its files (never test demos).
   */
  public List<Demonstration> memoryDemosWithUnverified(boolean withoutHeldOut) {
    java.util.Set<Long> models = new java.util.HashSet<>();
    cards.forEach(c -> models.add(c.id()));
    List<Demonstration> out = new ArrayList<>(memoryDemos(withoutHeldOut));
    for (Demonstration d : demoByImage.values()) {
      if (d.split().equals("unverified") && models.contains(d.modelId()) && !d.prompt().isBlank()) {
        out.add(d);
      }
    }
    return out;
  }

  /** SHA-256 over the train prompts, in order: the encoder's data hash. */
  public String promptHash() {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (Demonstration d : train) {
        md.update(d.prompt().getBytes(StandardCharsets.UTF_8));
        md.update((byte) '\n');
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
