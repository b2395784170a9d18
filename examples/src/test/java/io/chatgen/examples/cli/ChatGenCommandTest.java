package io.chatgen.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.chatgen.diffusion.png.Infotext;
import io.chatgen.diffusion.tiny.EmbeddedTinyModel;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChatGenCommandTest {

  private record Result(int code, String out, String err) {}

  private static Result run(String input, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = ChatGenCommand.run(args, new BufferedReader(new StringReader(input)),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void renders_with_the_embedded_tiny_model_when_no_checkpoint_is_installed(@TempDir Path dir) throws Exception {
    assumeTrue(EmbeddedTinyModel.isAvailable(), "no tiny checkpoint shipped");
    Path png = dir.resolve("circle.png");
    Result r = run("", "--out", png.toString(), "--steps", "8", "--seed", "3", "a red circle on a blue background");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("note: ChatGen tiny demo model drew this picture, not the chosen model")
        .contains("drawn at 64x64").contains("image: " + png);
    Infotext info = Infotext.readPng(Files.readAllBytes(png)).orElseThrow();
    assertThat(info.text()).contains("Steps: 8").contains("Seed: 3").contains("Size: 64x64")
        .contains("Model: tiny-sd");
    Result json = run("", "--json", "--out", dir.resolve("j.png").toString(), "--steps", "4", "a green star");
    assertThat(json.code()).as(json.err()).isZero();
    JsonObject o = JsonParser.parseString(json.out()).getAsJsonObject();
    assertThat(o.get("drawnWith").getAsString()).isEqualTo("ChatGen tiny demo model");
    assertThat(o.getAsJsonObject("params").get("width").getAsInt()).isEqualTo(64);
    assertThat(o.getAsJsonArray("imageNotes").toString()).contains("drew this picture");
  }

  @Test
  void prints_a_plan_a_person_can_read() {
    Result r = run("", "--plan-only", "help me draw a girl reading in a rainy cafe, anime style");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("prompt:", "negative:", "model:", "runners-up:", "parameters:",
        "sampler", "steps", "cfgScale", "clipSkip", "width", "height", "seed", "<- ");
  }

  @Test
  void prints_the_plan_as_json_with_overrides_applied() {
    Result r = run("", "--plan-only", "--json", "--seed", "42", "--steps", "33", "--sampler", "euler a",
        "--size", "512x768", "a lighthouse at dusk");
    assertThat(r.code()).as(r.err()).isZero();
    JsonObject plan = JsonParser.parseString(r.out()).getAsJsonObject();
    JsonObject params = plan.getAsJsonObject("params");
    assertThat(params.get("seed").getAsLong()).isEqualTo(42);
    assertThat(params.get("steps").getAsInt()).isEqualTo(33);
    assertThat(params.get("sampler").getAsString()).isEqualTo("Euler a");
    assertThat(params.get("width").getAsInt()).isEqualTo(512);
    assertThat(params.get("height").getAsInt()).isEqualTo(768);
    assertThat(plan.getAsJsonObject("reasons").get("steps").getAsString()).isEqualTo("set with --steps");
    assertThat(plan.get("prompt").getAsString()).isNotBlank();
    assertThat(plan.getAsJsonArray("alternatives")).isNotEmpty();
  }

  @Test
  void follows_a_similar_prompt_of_the_demonstrations_it_is_given(@TempDir Path dir) throws Exception {
    Path demos = dir.resolve("demos.jsonl");
    Files.writeString(demos, "{\"imageId\": 7, \"modelId\": 1, \"versionId\": 1, \"prompt\": \"masterpiece, lighthouse,"
        + " stormy sea, crashing waves, oil painting\", \"negativePrompt\": \"lowres, blurry\", \"split\": \"train\"}\n");
    Result r = run("", "--plan-only", "--json", "--demos", demos.toString(), "a lighthouse on a stormy sea at night");
    assertThat(r.code()).as(r.err()).isZero();
    JsonObject plan = JsonParser.parseString(r.out()).getAsJsonObject();
    assertThat(plan.get("prompt").getAsString()).startsWith("masterpiece, lighthouse, stormy sea, crashing waves");
    assertThat(plan.get("negativePrompt").getAsString()).isEqualTo("lowres, blurry");
    Result missing = run("", "--plan-only", "--demos", dir.resolve("none.jsonl").toString(), "a cat");
    assertThat(missing.code()).isEqualTo(ChatGenCommand.EXIT_ERROR);
    assertThat(missing.err()).contains("none.jsonl");
  }

  @Test
  void takes_follow_ups_interactively() {
    Result r = run("a cabin in the woods\nat night, snowing\n\n", "--plan-only", "--json");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err()).contains("What would you like to see?").contains("Follow-up");
    // two plans: the second carries the first message as history
    assertThat(r.out()).contains("\"kind\": \"single\"").contains("\"kind\": \"history\"");
  }

  @Test
  void bad_input_is_one_clear_line_and_a_non_zero_exit() {
    Result sampler = run("", "--plan-only", "--sampler", "warp drive", "a cat");
    assertThat(sampler.code()).isEqualTo(ChatGenCommand.EXIT_ERROR);
    assertThat(sampler.err().strip()).startsWith("chatgen: unknown sampler \"warp drive\"").doesNotContain("\n");
    Result size = run("", "--plan-only", "--size", "huge", "a cat");
    assertThat(size.code()).isEqualTo(ChatGenCommand.EXIT_ERROR);
    assertThat(size.err()).contains("--size must look like 512x768");
    Result steps = run("", "--plan-only", "--steps", "-3", "a cat");
    assertThat(steps.err()).contains("steps must be 1 to");
    Result empty = run("\n", "--plan-only");
    assertThat(empty.code()).isEqualTo(ChatGenCommand.EXIT_ERROR);
    assertThat(empty.err()).contains("no request given");
    Result option = run("", "--no-such-option", "a cat");
    assertThat(option.code()).isEqualTo(ChatGenCommand.EXIT_ERROR);
    assertThat(option.err()).contains("Unknown option");
    Result image = run("", "--plan-only", "--image", "/nonexistent.png", "a cat");
    assertThat(image.code()).isEqualTo(ChatGenCommand.EXIT_ERROR);
    assertThat(image.err()).contains("/nonexistent.png");
  }
}
