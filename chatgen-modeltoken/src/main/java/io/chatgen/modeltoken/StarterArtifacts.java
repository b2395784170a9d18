package io.chatgen.modeltoken;

import io.chatgen.core.ModelLoadException;
import io.chatgen.modeltoken.encoder.HashedTextEncoder;
import java.io.InputStream;

/**
 * The shipped starter vocabulary (every Civitai model with a train demonstration) and its
 * neighbour memory, read once from the classpath and then shared (both are immutable). Rebuilt by
 * {@link io.chatgen.modeltoken.tools.BuildStarterArtifacts}.
 *
 * @param vocabulary the tokens, facts-only cards and trained weights
 * @param memory the hashed train prompts and their models
 */
public record StarterArtifacts(ModelTokenVocabulary vocabulary, NeighbourMemory memory) {
  /** Classpath resource of the starter vocabulary. */
  public static final String VOCABULARY_RESOURCE = "/io/chatgen/modeltoken/starter-vocabulary.bin";
  /** Classpath resource of the starter neighbour memory. */
  public static final String MEMORY_RESOURCE = "/io/chatgen/modeltoken/starter-memory.bin";

  private static volatile StarterArtifacts cached;

  /** The shipped artifacts, loaded on first use. */
  public static StarterArtifacts load() {
    StarterArtifacts s = cached;
    if (s == null) {
      synchronized (StarterArtifacts.class) {
        s = cached;
        if (s == null) {
          ModelTokenVocabulary v = ModelTokenVocabulary.load(open(VOCABULARY_RESOURCE), VOCABULARY_RESOURCE);
          v.requireEncoder(HashedTextEncoder.embedded());
          s = new StarterArtifacts(v, NeighbourMemory.load(open(MEMORY_RESOURCE), MEMORY_RESOURCE));
          cached = s;
        }
      }
    }
    return s;
  }

  private static InputStream open(String resource) {
    InputStream in = StarterArtifacts.class.getResourceAsStream(resource);
    if (in == null) {
      throw new ModelLoadException("the starter artifact " + resource + " is missing from the classpath; rebuild it "
          + "with io.chatgen.modeltoken.tools.BuildStarterArtifacts");
    }
    return in;
  }
}
