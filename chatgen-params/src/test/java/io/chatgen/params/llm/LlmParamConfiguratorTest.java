package io.chatgen.params.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatgen.core.ChatRequest;
import io.chatgen.core.ConfiguredParams;
import io.chatgen.core.ModelChoice;
import io.chatgen.core.Param;
import io.chatgen.core.RewrittenPrompt;
import io.chatgen.core.Sampler;
import io.chatgen.core.llm.EndpointException;
import io.chatgen.core.llm.OpenAiChatClient;
import io.chatgen.params.Fixtures;
import io.chatgen.params.InContextConfigurator;
import io.chatgen.params.ParamSchema;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LlmParamConfiguratorTest {
  private static final InContextConfigurator EMBEDDED = Fixtures.configurator();
  private FakeOpenAiServer server;

  @BeforeEach
  void start() throws IOException {
    server = new FakeOpenAiServer();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private LlmParamConfigurator llm(Duration timeout, int retries, boolean fail) {
    OpenAiChatClient client = OpenAiChatClient.builder().baseUrl(server.baseUrl()).model("fake-llm")
        .timeout(timeout).maxRetries(retries).backoff(Duration.ofMillis(1)).build();
    return LlmParamConfigurator.builder().client(client).embedded(EMBEDDED).failOnEndpointError(fail).build();
  }

  private ConfiguredParams run(LlmParamConfigurator c, String chat) {
    return c.configure(ChatRequest.of(chat), new RewrittenPrompt(chat, ""), ModelChoice.forced(Fixtures.SCENERY));
  }

  private ConfiguredParams embedded(String chat) {
    return EMBEDDED.configure(ChatRequest.of(chat), new RewrittenPrompt(chat, ""),
        ModelChoice.forced(Fixtures.SCENERY));
  }

  @Test
  void takes_a_good_json_answer_and_says_who_chose() {
    server.then(FakeOpenAiServer.Reply.answer("Sure!\n```json\n{\"sampler\": \"DDIM\", \"steps\": 42, "
        + "\"cfgScale\": 6.5, \"width\": 640, \"height\": 896, \"clipSkip\": 1}\n```"));
    ConfiguredParams p = run(llm(Duration.ofSeconds(5), 0, false), "a castle landscape");
    assertThat(p.params().sampler()).isEqualTo(Sampler.DDIM);
    assertThat(p.params().steps()).isEqualTo(42);
    assertThat(p.params().cfgScale()).isEqualTo(6.5);
    assertThat(p.params().width()).isEqualTo(640);
    assertThat(p.params().height()).isEqualTo(896);
    assertThat(p.params().clipSkip()).isEqualTo(1);
    assertThat(p.reasons().get(Param.STEPS)).contains("chosen by fake-llm").contains("images 10");
    // the prompt carried the documentation, the retrieved examples (with their texts: built from demos) and the request
    String sent = server.requests().get(0);
    assertThat(sent).contains("Euler a").contains("steps 30").contains("a castle landscape")
        .contains("stone castle on a hill");
  }

  @Test
  void reads_key_value_text_and_repairs_unknown_and_out_of_range_values() {
    server.then(FakeOpenAiServer.Reply.answer("Sampler: DPM++ 2M Karas\nSteps: 5000\nCFG scale = 7\n"
        + "Size: 513x700\nclip skip: 2"));
    ConfiguredParams p = run(llm(Duration.ofSeconds(5), 0, false), "a castle landscape");
    assertThat(p.params().sampler()).isEqualTo(Sampler.DPMPP_2M_KARRAS);
    assertThat(p.reasons().get(Param.SAMPLER)).contains("repaired to the nearest known name");
    assertThat(p.params().steps()).isEqualTo(150);
    assertThat(p.reasons().get(Param.STEPS)).contains("repaired").contains("5000");
    assertThat(p.params().width()).isEqualTo(512);
    assertThat(p.params().height()).isEqualTo(704);
    assertThat(ParamSchema.forBase(Fixtures.SCENERY.base()).accepts(p.params())).isTrue();
  }

  @Test
  void a_garbage_answer_falls_back_to_the_embedded_plan() {
    server.then(FakeOpenAiServer.Reply.answer("I am a teapot. \u0000 {{{ not json"));
    ConfiguredParams p = run(llm(Duration.ofSeconds(5), 0, false), "a castle landscape");
    assertThat(p.params()).isEqualTo(embedded("a castle landscape").params());
    assertThat(p.reasons().get(Param.STEPS)).contains("no readable parameters");
  }

  @Test
  void unreadable_values_are_taken_from_the_embedded_plan() {
    server.then(FakeOpenAiServer.Reply.answer("{\"sampler\": \"Quantum Sampler 9000\", \"steps\": \"lots\", "
        + "\"cfgScale\": -3}"));
    ConfiguredParams p = run(llm(Duration.ofSeconds(5), 0, false), "a castle landscape");
    ConfiguredParams e = embedded("a castle landscape");
    assertThat(p.params().sampler()).isEqualTo(e.params().sampler());
    assertThat(p.params().steps()).isEqualTo(e.params().steps());
    assertThat(p.params().cfgScale()).isEqualTo(e.params().cfgScale());
    assertThat(p.reasons().get(Param.SAMPLER)).contains("unknown sampler");
    assertThat(p.reasons().get(Param.STEPS)).contains("not a number");
    assertThat(p.reasons().get(Param.CFG_SCALE)).contains("negative");
  }

  @Test
  void retries_after_a_500_and_then_uses_the_answer() {
    server.then(FakeOpenAiServer.Reply.status(500)).then(FakeOpenAiServer.Reply.answer("{\"steps\": 33}"));
    ConfiguredParams p = run(llm(Duration.ofSeconds(5), 1, false), "a castle landscape");
    assertThat(p.params().steps()).isEqualTo(33);
    assertThat(server.requests()).hasSize(2);
  }

  @Test
  void a_time_out_falls_back_to_the_embedded_plan() {
    server.then(FakeOpenAiServer.Reply.slow("{\"steps\": 33}", 3000));
    ConfiguredParams p = run(llm(Duration.ofMillis(200), 0, false), "a castle landscape");
    assertThat(p.params()).isEqualTo(embedded("a castle landscape").params());
    assertThat(p.reasons().get(Param.STEPS)).contains("endpoint failed").contains("200 ms");

  }

  @Test
  void an_endpoint_error_is_thrown_when_asked_to() {
    server.then(FakeOpenAiServer.Reply.status(503));
    assertThatThrownBy(() -> run(llm(Duration.ofSeconds(5), 0, true), "a castle landscape"))
        .isInstanceOf(EndpointException.class).hasMessageContaining("503");
  }

  @Test
  void explicit_wishes_win_over_the_llm() {
    server.then(FakeOpenAiServer.Reply.answer("{\"sampler\": \"DDIM\", \"steps\": 42, \"cfgScale\": 5}"));
    ConfiguredParams p = run(llm(Duration.ofSeconds(5), 0, false), "a castle landscape, cfg 11, seed 5");
    assertThat(p.params().cfgScale()).isEqualTo(11.0);
    assertThat(p.params().seed()).isEqualTo(5);
    assertThat(p.params().steps()).isEqualTo(42);
  }

  @Test
  void parses_answers_tolerantly() {
    assertThat(LlmAnswer.parse("{\"sampler_name\": \"Euler a\", \"num_inference_steps\": 20,}").values())
        .containsEntry(Param.SAMPLER, "Euler a").containsEntry(Param.STEPS, "20");
    assertThat(LlmAnswer.parse("- **Steps**: 25\n- Guidance scale: 7.5").values())
        .containsEntry(Param.CFG_SCALE, "7.5");
    assertThat(LlmAnswer.parse("no idea").format()).isEqualTo("none");
    // quoted keys and values, trailing commas, CRLF line ends, bold values
    assertThat(LlmAnswer.parse("\"steps\": \"30\",\r\nsampler = **DPM++ 2M Karras**\r\nwidth: 512 ,").values())
        .containsEntry(Param.STEPS, "30").containsEntry(Param.SAMPLER, "DPM++ 2M Karras")
        .containsEntry(Param.WIDTH, "512");
    assertThat(LlmParamConfigurator.nearestSampler("Eular a")).isEqualTo(Sampler.EULER_A);
    assertThat(LlmParamConfigurator.nearestSampler("banana")).isNull();
  }

  @Test
  void a_long_answer_of_blank_lines_or_spaces_is_read_without_hanging() {
    // a hang guard, not a speed target: 20,000 newlines once took 7 s and grew quadratically
    for (String answer : java.util.List.of("\n".repeat(100_000) + "x", "steps" + " ".repeat(100_000) + "x",
        "steps: 20" + " ,".repeat(50_000) + "x", "{\"steps\": 20, " + "/".repeat(100_000) + "x\"}")) {
      LlmAnswer a = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(20),
          () -> LlmAnswer.parse(answer));
      assertThat(a.values()).doesNotContainKey(Param.CFG_SCALE);
    }
  }
}
