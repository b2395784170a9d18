package io.chatgen.core.llm;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.chatgen.core.InvalidRequestException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls {@code POST {baseUrl}/chat/completions} of an OpenAI-compatible server, with a request
 * timeout and retries with exponential backoff on connection errors, time-outs, 429 and 5xx.
 *
 * <pre>{@code
 * OpenAiChatClient llm = OpenAiChatClient.builder()
 *     .baseUrl("http://localhost:8000/v1").model("qwen2.5-7b-instruct").build();
 * String answer = llm.complete(List.of(LlmMessage.user("hello")));
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class OpenAiChatClient {
  private static final Logger log = LoggerFactory.getLogger(OpenAiChatClient.class);
  /** Answers longer than this are refused rather than passed on. */
  public static final int MAX_ANSWER_CHARS = 200_000;

  private final URI endpoint;
  private final String model;
  private final @Nullable String apiKey;
  private final Duration timeout;
  private final int maxRetries;
  private final Duration backoff;
  private final double temperature;
  private final int maxTokens;
  private final HttpClient http;

  private OpenAiChatClient(Builder b) {
    String base = b.baseUrl.endsWith("/") ? b.baseUrl.substring(0, b.baseUrl.length() - 1) : b.baseUrl;
    this.endpoint = URI.create(base + "/chat/completions");
    this.model = b.model;
    this.apiKey = b.apiKey;
    this.timeout = b.timeout;
    this.maxRetries = b.maxRetries;
    this.backoff = b.backoff;
    this.temperature = b.temperature;
    this.maxTokens = b.maxTokens;
    this.http = HttpClient.newBuilder().connectTimeout(b.timeout).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The model name sent with each request. */
  public String model() {
    return model;
  }

  /** The full endpoint URL. */
  public URI endpoint() {
    return endpoint;
  }

  /**
   * Sends the messages and returns the first choice's text.
   *
   * @throws EndpointException after the last retry, naming the endpoint and what went wrong
   */
  public String complete(List<LlmMessage> messages) {
    String body = requestBody(messages).toString();
    EndpointException last = null;
    for (int attempt = 0; attempt <= maxRetries; attempt++) {
      if (attempt > 0) {
        sleep(backoff.multipliedBy(1L << Math.min(attempt - 1, 10)));
      }
      try {
        return send(body);
      } catch (RetryableException e) {
        last = new EndpointException(e.getMessage(), e.getCause());
        log.debug("attempt {} of {} failed: {}", attempt + 1, maxRetries + 1, e.getMessage());
      }
    }
    throw new EndpointException(
        (last == null ? "request failed" : last.getMessage()) + " (after " + (maxRetries + 1) + " attempts)",
        last);
  }

  private String send(String body) {
    HttpRequest.Builder req = HttpRequest.newBuilder(endpoint)
        .timeout(timeout)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (apiKey != null) {
      req.header("Authorization", "Bearer " + apiKey);
    }
    HttpResponse<String> resp;
    try {
      resp = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
    } catch (HttpTimeoutException e) {
      throw new RetryableException(endpoint + " did not answer within " + timeout.toMillis() + " ms", e);
    } catch (IOException e) {
      throw new RetryableException("cannot reach " + endpoint + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EndpointException("interrupted while waiting for " + endpoint, e);
    }
    int code = resp.statusCode();
    if (code == 429 || code >= 500) {
      throw new RetryableException(endpoint + " answered HTTP " + code + ": " + abbreviate(resp.body()), null);
    }
    if (code != 200) {
      throw new EndpointException(endpoint + " answered HTTP " + code + ": " + abbreviate(resp.body())
          + "; check the base URL, the model name and the API key");
    }
    return parseAnswer(resp.body());
  }

  private String parseAnswer(String body) {
    try {
      JsonObject o = JsonParser.parseString(body).getAsJsonObject();
      JsonArray choices = o.getAsJsonArray("choices");
      if (choices == null || choices.isEmpty()) {
        throw new EndpointException(endpoint + " answered with no choices: " + abbreviate(body));
      }
      JsonObject message = choices.get(0).getAsJsonObject().getAsJsonObject("message");
      JsonElement content = message == null ? null : message.get("content");
      if (content == null || content.isJsonNull()) {
        throw new EndpointException(endpoint + " answered with an empty message: " + abbreviate(body));
      }
      String text = content.getAsString();
      if (text.length() > MAX_ANSWER_CHARS) {
        throw new EndpointException(endpoint + " answered " + text.length() + " characters; refusing more than "
            + MAX_ANSWER_CHARS);
      }
      return text;
    } catch (EndpointException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new EndpointException(endpoint + " did not answer in the chat-completion format: "
          + abbreviate(body), e);
    }
  }

  private JsonObject requestBody(List<LlmMessage> messages) {
    JsonObject o = new JsonObject();
    o.addProperty("model", model);
    o.addProperty("temperature", temperature);
    o.addProperty("max_tokens", maxTokens);
    JsonArray arr = new JsonArray();
    for (LlmMessage m : messages) {
      JsonObject jm = new JsonObject();
      jm.addProperty("role", m.role());
      if (m.imageDataUris().isEmpty()) {
        jm.addProperty("content", m.text());
      } else {
        JsonArray parts = new JsonArray();
        JsonObject text = new JsonObject();
        text.addProperty("type", "text");
        text.addProperty("text", m.text());
        parts.add(text);
        for (String uri : m.imageDataUris()) {
          JsonObject img = new JsonObject();
          img.addProperty("type", "image_url");
          JsonObject url = new JsonObject();
          url.addProperty("url", uri);
          img.add("image_url", url);
          parts.add(img);
        }
        jm.add("content", parts);
      }
      arr.add(jm);
    }
    o.add("messages", arr);
    return o;
  }

  private static String abbreviate(String s) {
    String t = s == null ? "" : s.replaceAll("\\s+", " ");
    return t.length() > 200 ? t.substring(0, 200) + "..." : t;
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EndpointException("interrupted while backing off", e);
    }
  }

  private static final class RetryableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RetryableException(String message, @Nullable Throwable cause) {
      super(message, cause);
    }
  }

  /** Configures a client; {@link #baseUrl} and {@link #model} are required. */
  public static final class Builder {
    private String baseUrl = "";
    private String model = "";
    private @Nullable String apiKey;
    private Duration timeout = Duration.ofSeconds(60);
    private int maxRetries = 2;
    private Duration backoff = Duration.ofMillis(500);
    private double temperature = 0.2;
    private int maxTokens = 512;

    private Builder() {}

    /** E.g. "http://localhost:8000/v1" (vLLM), "http://localhost:11434/v1" (Ollama). */
    public Builder baseUrl(String url) {
      this.baseUrl = url;
      return this;
    }

    public Builder model(String name) {
      this.model = name;
      return this;
    }

    /** Sent as a bearer token; local servers usually need none. */
    public Builder apiKey(@Nullable String key) {
      this.apiKey = key;
      return this;
    }

    public Builder timeout(Duration t) {
      this.timeout = t;
      return this;
    }

    public Builder maxRetries(int n) {
      this.maxRetries = n;
      return this;
    }

    /** The first wait before a retry; it doubles with each further retry. */
    public Builder backoff(Duration d) {
      this.backoff = d;
      return this;
    }

    public Builder temperature(double t) {
      this.temperature = t;
      return this;
    }

    public Builder maxTokens(int n) {
      this.maxTokens = n;
      return this;
    }

    public OpenAiChatClient build() {
      if (baseUrl == null || !(baseUrl.startsWith("http://") || baseUrl.startsWith("https://"))) {
        throw new InvalidRequestException("baseUrl must be an http(s) URL such as http://localhost:8000/v1, was "
            + baseUrl);
      }
      if (model == null || model.isBlank()) {
        throw new InvalidRequestException("model must name the served model, e.g. \"qwen2.5-7b-instruct\"");
      }
      if (timeout == null || timeout.isNegative() || timeout.isZero()) {
        throw new InvalidRequestException("timeout must be positive, was " + timeout);
      }
      if (maxRetries < 0 || maxRetries > 10) {
        throw new InvalidRequestException("maxRetries must be 0 to 10, was " + maxRetries);
      }
      if (backoff == null || backoff.isNegative()) {
        throw new InvalidRequestException("backoff must be >= 0, was " + backoff);
      }
      if (!(temperature >= 0 && temperature <= 2)) {
        throw new InvalidRequestException("temperature must be 0 to 2, was " + temperature);
      }
      if (maxTokens < 1) {
        throw new InvalidRequestException("maxTokens must be >= 1, was " + maxTokens);
      }
      return new OpenAiChatClient(this);
    }
  }
}
