package io.chatgen.core.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpServer;
import io.chatgen.core.InvalidRequestException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OpenAiChatClientTest {
  private HttpServer server;
  private final List<String> bodies = new CopyOnWriteArrayList<>();
  private final AtomicInteger calls = new AtomicInteger();

  /** Serves answers on loopback: the function maps the call number (0-based) to status and body. */
  private OpenAiChatClient serve(IntFunction<Object[]> answer, Duration timeout) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/v1/chat/completions", ex -> {
      bodies.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      Object[] a = answer.apply(calls.getAndIncrement());
      if (a[0] instanceof Long sleep) {
        try {
          Thread.sleep(sleep);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        a = new Object[] {200, ok("late")};
      }
      byte[] out = ((String) a[1]).getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders((Integer) a[0], out.length);
      ex.getResponseBody().write(out);
      ex.close();
    });
    server.start();
    return OpenAiChatClient.builder()
        .baseUrl("http://127.0.0.1:" + server.getAddress().getPort() + "/v1")
        .model("test-model").timeout(timeout).maxRetries(2).backoff(Duration.ofMillis(10)).build();
  }

  private static String ok(String content) {
    JsonObject msg = new JsonObject();
    msg.addProperty("role", "assistant");
    msg.addProperty("content", content);
    JsonObject choice = new JsonObject();
    choice.add("message", msg);
    JsonObject root = new JsonObject();
    com.google.gson.JsonArray arr = new com.google.gson.JsonArray();
    arr.add(choice);
    root.add("choices", arr);
    return root.toString();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  @Test
  void sends_messages_and_images_in_the_openai_format() throws IOException {
    OpenAiChatClient client = serve(i -> new Object[] {200, ok("hello")}, Duration.ofSeconds(5));
    String answer = client.complete(List.of(LlmMessage.system("be brief"),
        new LlmMessage("user", "look", List.of("data:image/png;base64,AAAA"))));
    assertThat(answer).isEqualTo("hello");
    JsonObject sent = JsonParser.parseString(bodies.get(0)).getAsJsonObject();
    assertThat(sent.get("model").getAsString()).isEqualTo("test-model");
    assertThat(sent.getAsJsonArray("messages")).hasSize(2);
    JsonObject user = sent.getAsJsonArray("messages").get(1).getAsJsonObject();
    assertThat(user.getAsJsonArray("content").get(1).getAsJsonObject().getAsJsonObject("image_url")
        .get("url").getAsString()).startsWith("data:image/png");
  }

  @Test
  void retries_server_errors_with_backoff_then_succeeds() throws IOException {
    OpenAiChatClient client = serve(i -> i < 2 ? new Object[] {503, "busy"} : new Object[] {200, ok("fine")},
        Duration.ofSeconds(5));
    assertThat(client.complete(List.of(LlmMessage.user("hi")))).isEqualTo("fine");
    assertThat(calls.get()).isEqualTo(3);
  }

  @Test
  void gives_up_after_the_last_retry_naming_the_endpoint() throws IOException {
    OpenAiChatClient client = serve(i -> new Object[] {500, "boom"}, Duration.ofSeconds(5));
    assertThatThrownBy(() -> client.complete(List.of(LlmMessage.user("hi"))))
        .isInstanceOf(EndpointException.class)
        .hasMessageContaining("HTTP 500").hasMessageContaining("after 3 attempts").hasMessageContaining("127.0.0.1");
  }

  @Test
  void does_not_retry_a_client_error() throws IOException {
    OpenAiChatClient client = serve(i -> new Object[] {404, "no such model"}, Duration.ofSeconds(5));
    assertThatThrownBy(() -> client.complete(List.of(LlmMessage.user("hi"))))
        .isInstanceOf(EndpointException.class).hasMessageContaining("HTTP 404").hasMessageContaining("model name");
    assertThat(calls.get()).isEqualTo(1);
  }

  @Test
  void times_out_a_silent_server() throws IOException {
    OpenAiChatClient client = serve(i -> new Object[] {2_000L, ""}, Duration.ofMillis(200));
    assertThatThrownBy(() -> client.complete(List.of(LlmMessage.user("hi"))))
        .isInstanceOf(EndpointException.class).hasMessageContaining("did not answer within 200 ms");
  }

  @Test
  void refuses_garbage_that_is_not_a_chat_completion() throws IOException {
    OpenAiChatClient client = serve(i -> new Object[] {200, "<html>proxy error</html>"}, Duration.ofSeconds(5));
    assertThatThrownBy(() -> client.complete(List.of(LlmMessage.user("hi"))))
        .isInstanceOf(EndpointException.class).hasMessageContaining("chat-completion format");
  }

  @Test
  void validates_its_settings() {
    assertThatThrownBy(() -> OpenAiChatClient.builder().baseUrl("localhost:8000").model("m").build())
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("http(s) URL");
    assertThatThrownBy(() -> OpenAiChatClient.builder().baseUrl("http://x/v1").model(" ").build())
        .hasMessageContaining("model");
  }
}
