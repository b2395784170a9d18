package io.chatgen.params;

import io.chatgen.core.ModelCard;
import io.chatgen.params.doc.ModelDocumentation;
import io.chatgen.params.resource.DemoRecord;
import io.chatgen.params.resource.ParamResource.SimilarModel;
import java.util.List;

/**
 * What the configurator found for one request: the model's documentation, its demonstrations
 * nearest to the request and, when it has few, those of similar models. The LLM variant formats
 * this as its in-context prompt.
 *
 * @param model the model being configured
 * @param documentation its documentation (from the resource or read from the card)
 * @param neighbors the model's own demonstrations, nearest first (at most k)
 * @param ownDemos how many demonstrations of the model the configurator knows
 * @param similarModels similar models used as a fallback (empty when the model has enough demos)
 * @param similarNeighbors their demonstrations nearest to the request, nearest first
 */
public record Retrieval(
    ModelCard model,
    ModelDocumentation documentation,
    List<Neighbor> neighbors,
    int ownDemos,
    List<SimilarModel> similarModels,
    List<Neighbor> similarNeighbors) {

  public Retrieval {
    neighbors = List.copyOf(neighbors);
    similarModels = List.copyOf(similarModels);
    similarNeighbors = List.copyOf(similarNeighbors);
  }

  /**
   * One retrieved demonstration.
   *
   * @param demo the demonstration
   * @param similarity cosine similarity of its prompt to the request, in [0, 1]
   * @param weight how much it counts beside its similarity, in [0, 1] (e.g. less when made with
   *     another version of the model)
   */
  public record Neighbor(DemoRecord demo, double similarity, double weight) {
    /** A demonstration that counts fully. */
    public Neighbor(DemoRecord demo, double similarity) {
      this(demo, similarity, 1.0);
    }
  }
}
