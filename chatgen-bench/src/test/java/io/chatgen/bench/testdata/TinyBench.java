package io.chatgen.bench.testdata;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A hand-made benchmark data set in the format of {@code ../shared/civitai}, written into a
 * temporary folder: three models (castles, mechs, ink portraits), six train demonstrations, three
 * evaluated demonstrations (two {@code test}, one {@code test-fewshot}) and four chats (one for a
 * demonstration that is not in the file). Every text is made up for the test.
 */
public final class TinyBench {
  public final Path models;
  public final Path demos;
  public final Path chats;

  private TinyBench(Path dir) throws IOException {
    models = dir.resolve("models.jsonl");
    demos = dir.resolve("demos.jsonl");
    chats = dir.resolve("chats.jsonl");
    Files.write(models, List.of(
        model(1, 11, "Dream Castle", "fantasy"),
        model(2, 21, "Steel Mech", "robot"),
        model(3, 31, "Ink Portrait", "portrait")), StandardCharsets.UTF_8);
    Files.write(demos, List.of(
        demo(1, 1, 11, "castle on a hill, fantasy, clouds", "blurry", "Euler a", 20, 7.0, 512, 512, null, true, "train"),
        demo(2, 1, 11, "fantasy castle, towers, sunset sky", "blurry", "Euler a", 20, 7.0, 512, 768, null, true, "train"),
        demo(3, 2, 21, "giant robot mech, steel armor, city", "lowres", "DPM++ 2M Karras", 30, 7.0, 512, 512, 2, true, "train"),
        demo(4, 2, 21, "mech robot walking, steel, rain", "lowres", "DPM++ 2M Karras", 30, 8.0, 512, 512, 2, true, "train"),
        demo(5, 3, 31, "ink portrait of a woman, monochrome", null, "Euler a", 25, 7.0, 512, 768, null, true, "train"),
        demo(6, 3, 31, "portrait, ink sketch, old man", null, "Euler a", 25, 7.0, 512, 768, null, true, "train"),
        demo(100, 1, 11, "fantasy castle in the clouds, masterpiece", "blurry, lowres", "Euler a", 20, 7.0, 512, 768, null, true, "test"),
        demo(101, 2, 21, "steel robot mech in a city at night", "lowres", "DPM++ 2M Karras v2", 30, 7.0, 512, 512, 2, true, "test"),
        demo(102, 3, 31, "ink portrait of an old woman", null, "Euler a", 25, 7.5, 512, 768, null, true, "test-fewshot"),
        demo(103, 2, 21, "unverified robot", null, "Euler a", 20, 7.0, 512, 512, null, false, "unverified")),
        StandardCharsets.UTF_8);
    Files.write(chats, List.of(
        "{\"imageId\":100,\"persona\":\"student\",\"lang\":\"en\",\"chat\":\"a castle floating in the clouds please\",\"history\":null}",
        "{\"imageId\":101,\"persona\":\"gamer\",\"lang\":\"en\",\"chat\":\"a big steel robot in a city at night\","
            + "\"history\":[\"draw a big robot\",\"make it steel, in a city at night\"]}",
        "{\"imageId\":102,\"persona\":\"artist\",\"lang\":\"es\",\"chat\":\"un retrato en tinta de una anciana\",\"history\":null}",
        "{\"imageId\":999,\"persona\":\"nobody\",\"lang\":\"en\",\"chat\":\"a request for a missing demo\",\"history\":null}"),
        StandardCharsets.UTF_8);
  }

  /** Writes the data set into {@code dir}. */
  public static TinyBench write(Path dir) throws IOException {
    return new TinyBench(dir);
  }

  private static String model(long id, long version, String name, String tag) {
    return "{\"id\":" + id + ",\"name\":\"" + name + "\",\"tags\":[\"" + tag + "\"],\"description\":\"made up\","
        + "\"creator\":\"test\",\"nsfwTagged\":false,\"versions\":[{\"id\":" + version + ",\"name\":\"v1\","
        + "\"baseModel\":\"SD 1.5\",\"trainedWords\":[],\"description\":\"\",\"files\":[{\"name\":\"m" + id
        + ".safetensors\",\"sizeKB\":2000000,\"type\":\"Model\",\"format\":\"SafeTensor\",\"fp\":\"fp16\","
        + "\"sha256\":null,\"autoV2\":null}]}]}";
  }

  private static String demo(long image, long model, long version, String prompt, String negative, String sampler,
      int steps, double cfg, int w, int h, Integer clipSkip, boolean matches, String split) {
    return "{\"imageId\":" + image + ",\"modelId\":" + model + ",\"versionId\":" + version
        + ",\"prompt\":\"" + prompt + "\",\"negativePrompt\":" + (negative == null ? "null" : "\"" + negative + "\"")
        + ",\"sampler\":\"" + sampler + "\",\"steps\":" + steps + ",\"cfgScale\":" + cfg + ",\"seed\":1"
        + ",\"width\":" + w + ",\"height\":" + h + ",\"clipSkip\":" + clipSkip + ",\"hires\":false"
        + ",\"modelHashMatches\":" + matches + ",\"split\":\"" + split + "\"}";
  }
}
