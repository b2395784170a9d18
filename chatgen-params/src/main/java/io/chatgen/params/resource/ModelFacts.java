package io.chatgen.params.resource;

import io.chatgen.core.BaseArchitecture;
import io.chatgen.core.DataFormatException;
import io.chatgen.params.doc.ModelDocumentation;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What the resource knows about one model besides its demonstrations: catalog facts used to find
 * similar models, and the documentation facts read from its description (numbers and sampler
 * names only).
 *
 * @param id the catalog id
 * @param name the model name (a catalog fact)
 * @param base the base architecture
 * @param creator the author's user name, or null
 * @param tags catalog tags, lower-case
 * @param documentation the recommended settings
 */
public record ModelFacts(
    long id, String name, BaseArchitecture base, @Nullable String creator, List<String> tags,
    ModelDocumentation documentation) {
  public ModelFacts {
    if (name == null || base == null || tags == null || documentation == null) {
      throw new DataFormatException("model facts of " + id + " need a name, base, tags and documentation");
    }
    tags = List.copyOf(tags);
  }
}
