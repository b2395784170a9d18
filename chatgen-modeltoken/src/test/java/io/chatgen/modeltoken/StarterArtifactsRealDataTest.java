package io.chatgen.modeltoken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.chatgen.modeltoken.encoder.HashedTextEncoder;
import io.chatgen.modeltoken.tools.StarterData;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class StarterArtifactsRealDataTest {
  @Test
  void the_shipped_vocabulary_has_one_token_per_model_with_a_train_demo() {
    Path folder = StarterData.defaultFolder();
    assumeTrue(Files.isRegularFile(folder.resolve("demos.jsonl")), "Civitai data not found at " + folder + ": skipped");
    StarterData d = StarterData.read(folder);
    StarterArtifacts s = StarterArtifacts.load();
    assertThat(s.vocabulary().size()).isEqualTo(d.cards().size());
    // the issue quotes 2,381; this copy of the data has 2,322 models with a train demo
    assertThat(s.vocabulary().size()).isEqualTo(2322);
    assertThat(s.vocabulary().cards()).allMatch(c -> c.description().isEmpty());
    // the memory: every train prompt and the unverified prompts of the vocabulary's models, no test demo
    assertThat(s.memory().size()).isEqualTo(d.memoryDemosWithUnverified(false).size())
        .isGreaterThan(d.train().size());
    assertThat(d.memoryDemosWithUnverified(false)).allMatch(x -> x.split().equals("train")
        || x.split().equals("unverified"));
    assertThat(s.memory().documentsPerModel().keySet()).allMatch(id -> s.vocabulary().indexOf(id).isPresent());
    assertThat(s.vocabulary().provenance().encoderId()).isEqualTo(HashedTextEncoder.embedded().id());
    assertThat(HashedTextEncoder.embedded().dataHash()).isEqualTo(d.promptHash());
  }
}
