package io.chatgen.params;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatgen.core.ChatRequest;
import io.chatgen.core.ConfiguredParams;
import io.chatgen.core.ModelCard;
import io.chatgen.core.ModelChoice;
import io.chatgen.core.RewrittenPrompt;
import io.chatgen.core.data.Demonstration;
import io.chatgen.core.data.ModelCatalog;
import io.chatgen.core.data.ReadMode;
import io.chatgen.params.resource.ParamResource;
import io.chatgen.params.resource.ParamResourceBuilder;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The shipped resource against the real data it was built from (skipped without ../shared). */
class ShippedResourceRealDataTest {
  @Test
  void the_shipped_resource_matches_the_train_and_unverified_splits_and_configures_every_kind_of_model() {
    Path civitai = SharedData.civitai();
    List<Demonstration> all = Demonstration.read(civitai.resolve("demos.jsonl"), ReadMode.LENIENT).records();
    List<Demonstration> train = all.stream().filter(d -> d.split().equals("train")).toList();
    List<Demonstration> known = ParamResourceBuilder.knowledge(all);
    ParamResource r = ParamResource.loadShipped();
    assertThat(r.demos()).hasSize(known.size()).hasSizeGreaterThan(train.size());
    Set<Long> trainIds = train.stream().map(Demonstration::imageId).collect(Collectors.toSet());
    Set<Long> unverifiedIds = all.stream().filter(d -> d.split().equals("unverified")).map(Demonstration::imageId)
        .collect(Collectors.toSet());
    // never a test demonstration; verified exactly when train
    assertThat(r.demos()).allSatisfy(d -> assertThat(d.verified() ? trainIds : unverifiedIds).contains(d.imageId()));
    // same parameters as the data for a demo picked by the test
    Demonstration first = train.get(0);
    var shipped = r.demosOf(first.modelId()).stream().filter(d -> d.imageId() == first.imageId()).findFirst()
        .orElseThrow();
    assertThat(shipped.steps()).isEqualTo(first.steps());
    assertThat(shipped.width()).isEqualTo(first.width());

    ModelCatalog catalog = ModelCatalog.readJsonl(civitai.resolve("models.jsonl"), ReadMode.LENIENT);
    InContextConfigurator c = InContextConfigurator.builder().resource(r).build();
    int configured = 0;
    for (ModelCard card : catalog.models()) {
      if (configured++ > 400) {
        break;
      }
      ConfiguredParams p = c.configure(ChatRequest.of("a cozy cabin in the woods"),
          new RewrittenPrompt("cozy cabin, woods", ""), ModelChoice.forced(card));
      assertThat(ParamSchema.forBase(card.base()).accepts(p.params())).as(card.label()).isTrue();
    }
  }
}
