package io.chatgen.params.doc;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatgen.core.ModelCard;
import io.chatgen.core.data.ModelCatalog;
import io.chatgen.core.data.ReadMode;
import io.chatgen.params.SharedData;
import java.util.Collection;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The extractor on the real Civitai descriptions: counts and properties, no text copied. */
class RealDescriptionsTest {
  private static final Pattern CFG_NUMBER = Pattern.compile("(?i)\\bcfg(?:\\s*scale)?\\s*[:=]?\\s*\\d{1,2}\\b");
  private static final Pattern CLIP_SKIP_NUMBER = Pattern.compile("(?i)\\bclip\\s*skip\\s*[:=]?\\s*[1-4]\\b");

  @Test
  void finds_the_settings_authors_state_and_only_sane_values() {
    Collection<ModelCard> models =
        ModelCatalog.readJsonl(SharedData.civitai().resolve("models.jsonl"), ReadMode.LENIENT).models();
    DocumentationExtractor x = new DocumentationExtractor();
    int withCfgLine = 0;
    int cfgFound = 0;
    int withClipLine = 0;
    int clipFound = 0;
    int anySampler = 0;
    int anySetting = 0;
    for (ModelCard m : models) {
      ModelDocumentation d = x.extract(m.description());
      if (CFG_NUMBER.matcher(m.description()).find()) {
        withCfgLine++;
        cfgFound += d.cfgScale() != null ? 1 : 0;
      }
      if (CLIP_SKIP_NUMBER.matcher(m.description()).find()) {
        withClipLine++;
        clipFound += d.clipSkip() != null ? 1 : 0;
      }
      anySampler += d.samplers().isEmpty() ? 0 : 1;
      anySetting += d.isEmpty() ? 0 : 1;
      if (d.steps() != null) {
        assertThat(d.steps().low()).isBetween(1.0, 150.0);
        assertThat(d.steps().high()).isBetween(d.steps().low(), 150.0);
      }
      if (d.cfgScale() != null) {
        assertThat(d.cfgScale().high()).isBetween(1.0, 30.0);
      }
      if (d.clipSkip() != null) {
        assertThat(d.clipSkip()).isBetween(1, 12);
      }
      if (d.width() != null) {
        assertThat(d.width() % 8).isZero();
        assertThat(d.height() % 8).isZero();
      }
    }
    // every description with a plain "CFG <number>" must yield a CFG fact in most cases
    assertThat(withCfgLine).isGreaterThan(100);
    assertThat(cfgFound).isGreaterThanOrEqualTo((int) (0.9 * withCfgLine));
    assertThat(withClipLine).isGreaterThan(50);
    assertThat(clipFound).isGreaterThanOrEqualTo((int) (0.9 * withClipLine));
    assertThat(anySampler).isGreaterThan(300);
    assertThat(anySetting).isGreaterThan(anySampler);
  }
}
