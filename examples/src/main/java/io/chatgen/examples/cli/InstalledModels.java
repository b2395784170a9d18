package io.chatgen.examples.cli;

import io.chatgen.core.ChatGenException;
import io.chatgen.core.ModelCard;
import io.chatgen.core.ModelChoice;
import io.chatgen.core.ScoredModel;
import io.chatgen.core.stage.ModelSelector;
import io.chatgen.diffusion.checkpoint.CheckpointResolver;
import io.chatgen.modeltoken.ModelTokenSelector;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Restricts model selection to the checkpoints installed in a models folder: the cards whose file
 * hash or file name matches a {@code .safetensors} file there.
 */
final class InstalledModels {
  private InstalledModels() {}

  /** The catalog cards that have a local checkpoint in {@code modelsDir}. */
  static List<ModelCard> find(Path modelsDir, Collection<ModelCard> catalog) {
    CheckpointResolver resolver = new CheckpointResolver(modelsDir);
    if (resolver.checkpoints().isEmpty()) {
      return List.of();
    }
    List<ModelCard> installed = new ArrayList<>();
    for (ModelCard c : catalog) {
      if (resolver.resolve(c).isPresent()) {
        installed.add(c);
      }
    }
    return installed;
  }

  /**
   * A selector that only picks installed models: the ModelToken selector is rebuilt with an
   * allow-list (so the whole vocabulary is searched); any other selector is filtered and its
   * probabilities renormalised over what remains.
   */
  static ModelSelector restrict(ModelSelector selector, Path modelsDir) {
    if (selector instanceof ModelTokenSelector mts) {
      List<ModelCard> installed = find(modelsDir, mts.vocabulary().cards());
      if (installed.isEmpty()) {
        throw new ChatGenException("none of the checkpoints in " + modelsDir
            + " is in the model vocabulary (matched by SHA-256/AutoV2 hash or file name); "
            + "drop --models-dir to plan with every known model, or add the checkpoint to the vocabulary");
      }
      return mts.copySettings().optAllowedModels(installed.stream().map(ModelCard::id).toList()).build();
    }
    return (request, prompt) -> {
      ModelChoice choice = selector.select(request, prompt);
      Set<Long> ids = find(modelsDir, choice.ranked().stream().map(ScoredModel::model).toList()).stream()
          .map(ModelCard::id).collect(Collectors.toSet());
      List<ScoredModel> kept = choice.ranked().stream().filter(s -> ids.contains(s.model().id())).toList();
      if (kept.isEmpty()) {
        throw new ChatGenException("the selector ranked no model installed in " + modelsDir);
      }
      double sum = kept.stream().mapToDouble(ScoredModel::probability).sum();
      List<ScoredModel> renormalised = kept.stream()
          .map(s -> new ScoredModel(s.model(), sum > 0 ? s.probability() / sum : 1.0 / kept.size())).toList();
      List<String> notes = new ArrayList<>(choice.notes());
      notes.add("restricted to the checkpoints installed in " + modelsDir);
      return new ModelChoice(renormalised, notes);
    };
  }
}
