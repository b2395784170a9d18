package io.chatgen.core.rewrite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpServer;
import io.chatgen.core.ChatRequest;
import io.chatgen.core.ChatTurn;
import io.chatgen.core.ReferenceImage;
import io.chatgen.core.RewrittenPrompt;
import io.chatgen.core.llm.EndpointException;
import io.chatgen.core.llm.OpenAiChatClient;
import io.chatgen.core.prompt.ParsedPrompt;
import io.chatgen.core.prompt.PromptParser;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Runs the LLM rewriter against a fake OpenAI-compatible server on loopback. */
class LlmPromptRewriterTest {
  /** What the fake server answers next: an HTTP status and the message content (or a raw body). */
  private record Reply(int status, String content, boolean raw, long delayMs) {}

  private HttpServer server;
  private final Deque<Reply> replies = new ArrayDeque<>();
  private final List<JsonObject> requests = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/v1/chat/completions", ex -> {
      try (ex) {
        requests.add(JsonParser.parseString(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8))
            .getAsJsonObject());
        Reply r;
        synchronized (replies) {
          r = replies.isEmpty() ? new Reply(500, "no reply scripted", true, 0) : replies.poll();
        }
        if (r.delayMs() > 0) {
          try {
            Thread.sleep(r.delayMs());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        byte[] body = (r.raw() ? r.content() : completion(r.content())).getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(r.status(), body.length);
        try (OutputStream os = ex.getResponseBody()) {
          os.write(body);
        } catch (IOException e) {
          // the client gave up waiting (time-out test)
        }
      }
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private static String completion(String content) {
    JsonObject msg = new JsonObject();
    msg.addProperty("role", "assistant");
    msg.addProperty("content", content);
    JsonObject choice = new JsonObject();
    choice.add("message", msg);
    JsonArray choices = new JsonArray();
    choices.add(choice);
    JsonObject o = new JsonObject();
    o.add("choices", choices);
    return o.toString();
  }

  private void answer(String content) {
    replies.add(new Reply(200, content, false, 0));
  }

  private LlmPromptRewriter rewriter(boolean images, Duration timeout, int retries) {
    OpenAiChatClient client = OpenAiChatClient.builder()
        .baseUrl("http://127.0.0.1:" + server.getAddress().getPort() + "/v1").model("fake-llm")
        .timeout(timeout).maxRetries(retries).backoff(Duration.ofMillis(10)).build();
    return LlmPromptRewriter.builder().client(client).sendImages(images).build();
  }

  private LlmPromptRewriter rewriter() {
    return rewriter(false, Duration.ofSeconds(5), 0);
  }

  @Test
  void reads_a_json_answer_and_sends_the_instruction_first() {
    answer("{\"prompt\": \"masterpiece, 1girl, cafe, (rain:1.2)\", \"negative_prompt\": \"lowres, blurry\"}");
    RewrittenPrompt p = rewriter().rewrite(ChatRequest.of("a girl in a rainy cafe"));
    assertThat(PromptTags.normalizedTags(p.prompt())).containsExactly("masterpiece", "1girl", "cafe", "rain");
    assertThat(p.negativePrompt()).isEqualTo("lowres, blurry");
    JsonArray messages = requests.get(0).getAsJsonArray("messages");
    assertThat(messages.get(0).getAsJsonObject().get("role").getAsString()).isEqualTo("system");
    assertThat(messages.get(0).getAsJsonObject().get("content").getAsString()).contains("negative_prompt");
    assertThat(messages.get(1).getAsJsonObject().get("content").getAsString()).isEqualTo("a girl in a rainy cafe");
    assertThat(requests.get(0).get("model").getAsString()).isEqualTo("fake-llm");
  }

  @Test
  void reads_fenced_json_inside_prose() {
    answer("Sure! Here it is:\n```json\n{\"Prompt\": \"a castle, dusk\", \"Negative_Prompt\": \"ugly\"}\n```\nEnjoy.");
    RewrittenPrompt p = rewriter().rewrite(ChatRequest.of("a castle at dusk"));
    assertThat(p.prompt()).isEqualTo("a castle, dusk");
    assertThat(p.negativePrompt()).isEqualTo("ugly");
  }

  @Test
  void reads_labelled_text_answers() {
    answer("**Prompt:** a red fox, snow, (sharp focus:1.1)\n**Negative prompt:** blurry, watermark");
    RewrittenPrompt p = rewriter().rewrite(ChatRequest.of("a fox in the snow"));
    assertThat(PromptTags.normalizedTags(p.prompt())).containsExactly("a red fox", "snow", "sharp focus");
    assertThat(p.negativePrompt()).isEqualTo("blurry, watermark");
    assertThat(p.notes()).anyMatch(n -> n.contains("text"));
  }

  @Test
  void garbage_is_an_error_and_never_a_prompt() {
    answer("I'm sorry, I cannot help with that request.");
    assertThatThrownBy(() -> rewriter().rewrite(ChatRequest.of("a fox")))
        .isInstanceOf(EndpointException.class).hasMessageContaining("without a prompt field");
  }

  @Test
  void an_empty_prompt_is_an_error() {
    answer("{\"prompt\": \"  \", \"negative_prompt\": \"lowres\"}");
    assertThatThrownBy(() -> rewriter().rewrite(ChatRequest.of("a fox")))
        .isInstanceOf(EndpointException.class).hasMessageContaining("empty prompt");
    answer("");
    assertThatThrownBy(() -> rewriter().rewrite(ChatRequest.of("a fox")))
        .isInstanceOf(EndpointException.class);
  }

  @Test
  void a_runaway_prompt_is_an_error() {
    answer("{\"prompt\": \"" + "masterpiece, ".repeat(300) + "\"}");
    assertThatThrownBy(() -> rewriter().rewrite(ChatRequest.of("a fox")))
        .isInstanceOf(EndpointException.class).hasMessageContaining("runaway");
    answer("{\"prompt\": \"" + "cat ".repeat(60) + "dog\"}");
    assertThatThrownBy(() -> rewriter().rewrite(ChatRequest.of("a fox")))
        .isInstanceOf(EndpointException.class).hasMessageContaining("runaway");
  }

  @Test
  void retries_after_a_server_error_and_then_succeeds() {
    replies.add(new Reply(500, "{\"error\": \"overloaded\"}", true, 0));
    answer("{\"prompt\": \"a lighthouse, storm\", \"negative_prompt\": \"\"}");
    RewrittenPrompt p = rewriter(false, Duration.ofSeconds(5), 2).rewrite(ChatRequest.of("a lighthouse in a storm"));
    assertThat(p.prompt()).isEqualTo("a lighthouse, storm");
    assertThat(p.negativePrompt()).isEmpty();
    assertThat(requests).hasSize(2);
  }

  @Test
  void a_server_that_does_not_answer_in_time_is_a_clear_error() {
    replies.add(new Reply(200, "{\"prompt\": \"late\"}", false, 1500));
    assertThatThrownBy(() -> rewriter(false, Duration.ofMillis(200), 0).rewrite(ChatRequest.of("a fox")))
        .isInstanceOf(EndpointException.class).hasMessageContaining("did not answer within 200 ms");
  }

  @Test
  void sends_history_turns_as_messages_in_order() {
    answer("{\"prompt\": \"a girl, cafe, night\"}");
    ChatRequest r = new ChatRequest("no, at night",
        List.of(ChatTurn.user("a girl in a cafe at sunset"), ChatTurn.assistant("Sunset it is. Anything else?")),
        List.of());
    rewriter().rewrite(r);
    JsonArray m = requests.get(0).getAsJsonArray("messages");
    assertThat(m.size()).isEqualTo(4);
    assertThat(role(m, 1)).isEqualTo("user");
    assertThat(content(m, 1)).isEqualTo("a girl in a cafe at sunset");
    assertThat(role(m, 2)).isEqualTo("assistant");
    assertThat(role(m, 3)).isEqualTo("user");
    assertThat(content(m, 3)).isEqualTo("no, at night");
  }

  @Test
  void sends_reference_images_as_png_data_uris_when_the_endpoint_accepts_images() throws IOException {
    answer("{\"prompt\": \"a castle, blue theme\"}");
    BufferedImage img = new BufferedImage(40, 20, BufferedImage.TYPE_INT_RGB);
    img.setRGB(3, 4, 0x123456);
    RewrittenPrompt p = rewriter(true, Duration.ofSeconds(5), 0).rewrite(
        ChatRequest.of("a castle like this").withImages(List.of(ReferenceImage.of(img, "ref.png"))));
    JsonArray m = requests.get(0).getAsJsonArray("messages");
    JsonArray parts = m.get(1).getAsJsonObject().getAsJsonArray("content");
    assertThat(parts.get(0).getAsJsonObject().get("text").getAsString()).isEqualTo("a castle like this");
    String url = parts.get(1).getAsJsonObject().getAsJsonObject("image_url").get("url").getAsString();
    assertThat(url).startsWith("data:image/png;base64,");
    BufferedImage back = ImageIO.read(new ByteArrayInputStream(
        Base64.getDecoder().decode(url.substring("data:image/png;base64,".length()))));
    assertThat(back.getWidth()).isEqualTo(40);
    assertThat(back.getRGB(3, 4) & 0xFFFFFF).isEqualTo(0x123456);
    assertThat(p.notes()).anyMatch(n -> n.contains("40x20"));
  }

  @Test
  void describes_images_as_text_when_the_endpoint_takes_no_images() {
    answer("{\"prompt\": \"a castle\"}");
    BufferedImage img = new BufferedImage(20, 40, BufferedImage.TYPE_INT_RGB);
    RewrittenPrompt p = rewriter().rewrite(
        ChatRequest.of("a castle like this").withImages(List.of(ReferenceImage.of(img, "ref.png"))));
    JsonElement content = requests.get(0).getAsJsonArray("messages").get(1).getAsJsonObject().get("content");
    assertThat(content.isJsonPrimitive()).isTrue();
    assertThat(content.getAsString()).contains("portrait 1:2", "black");
    assertThat(p.notes()).anyMatch(n -> n.contains("described to the model as text"));
  }

  @Test
  void invented_extra_networks_are_removed_and_the_prompt_reads_back_without_loss() {
    answer("{\"prompt\": \"(masterpiece:1.2), a [red] car <lora:madeup:0.8>, ((neon))\n night\"}");
    RewrittenPrompt p = rewriter().rewrite(ChatRequest.of("a red car at night"));
    ParsedPrompt once = PromptParser.parse(p.prompt());
    assertThat(once.extraNetworks()).isEmpty();
    assertThat(PromptParser.parse(once.toPromptString()).segments()).isEqualTo(once.segments());
    assertThat(once.normalizedTags()).containsExactly("masterpiece", "a red car", "neon", "night");
    assertThat(p.notes()).anyMatch(n -> n.contains("extra-network"));
  }

  private static String role(JsonArray m, int i) {
    return m.get(i).getAsJsonObject().get("role").getAsString();
  }

  private static String content(JsonArray m, int i) {
    return m.get(i).getAsJsonObject().get("content").getAsString();
  }
}
