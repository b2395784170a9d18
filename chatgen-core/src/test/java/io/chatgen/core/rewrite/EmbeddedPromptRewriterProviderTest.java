package io.chatgen.core.rewrite;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatgen.core.ChatRequest;
import io.chatgen.core.spi.PromptRewriterProvider;
import io.chatgen.core.spi.StageContext;
import io.chatgen.core.stage.PromptRewriter;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class EmbeddedPromptRewriterProviderTest {
  @Test
  void the_embedded_rewriter_is_discovered_through_service_loader() {
    List<PromptRewriterProvider> found = ServiceLoader.load(PromptRewriterProvider.class).stream()
        .map(ServiceLoader.Provider::get).toList();
    assertThat(found).anyMatch(p -> p instanceof EmbeddedPromptRewriterProvider);
    PromptRewriterProvider p = found.stream().filter(x -> x instanceof EmbeddedPromptRewriterProvider)
        .findFirst().orElseThrow();
    assertThat(p.name()).isEqualTo("embedded");
    PromptRewriter r = p.create(StageContext.defaults());
    assertThat(r).isInstanceOf(EmbeddedPromptRewriter.class);
    assertThat(r.rewrite(ChatRequest.of("a lighthouse in a storm")).prompt()).contains("lighthouse");
  }
}
