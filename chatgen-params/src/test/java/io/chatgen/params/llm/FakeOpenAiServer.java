package io.chatgen.params.llm;

import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Executors;

/** An OpenAI-compatible chat-completion server on loopback that answers from a script. */
final class FakeOpenAiServer implements AutoCloseable {
  /** One scripted reply: HTTP status, the assistant's text (or a raw body), and a delay. */
  record Reply(int status, String content, boolean raw, long delayMillis) {
    static Reply answer(String content) {
      return new Reply(200, content, false, 0);
    }

    static Reply status(int code) {
      return new Reply(code, "{\"error\":\"scripted failure\"}", true, 0);
    }

    static Reply slow(String content, long millis) {
      return new Reply(200, content, false, millis);
    }
  }

  private final HttpServer server;
  private final Deque<Reply> script = new ArrayDeque<>();
  private final List<String> requests = new ArrayList<>();

  FakeOpenAiServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newFixedThreadPool(2));
    server.createContext("/v1/chat/completions", ex -> {
      String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      Reply r;
      synchronized (this) {
        requests.add(body);
        r = script.isEmpty() ? Reply.status(500) : script.poll();
      }
      try {
        Thread.sleep(r.delayMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      String out;
      if (r.raw()) {
        out = r.content();
      } else {
        JsonObject msg = new JsonObject();
        msg.addProperty("role", "assistant");
        msg.addProperty("content", r.content());
        JsonObject choice = new JsonObject();
        choice.add("message", msg);
        com.google.gson.JsonArray choices = new com.google.gson.JsonArray();
        choices.add(choice);
        JsonObject o = new JsonObject();
        o.add("choices", choices);
        out = o.toString();
      }
      byte[] bytes = out.getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().add("Content-Type", "application/json");
      try {
        ex.sendResponseHeaders(r.status(), bytes.length);
        try (OutputStream os = ex.getResponseBody()) {
          os.write(bytes);
        }
      } catch (IOException e) {
        // the client gave up (a time-out test): nothing to answer
      }
    });
    server.start();
  }

  synchronized FakeOpenAiServer then(Reply r) {
    script.add(r);
    return this;
  }

  synchronized List<String> requests() {
    return List.copyOf(requests);
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }
}
