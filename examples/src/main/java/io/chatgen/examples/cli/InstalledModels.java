package io.chatgen.examples.cli;

import io.chatgen.core.ChatGenException;
import io.chatgen.core.ModelCard;
import io.chatgen.core.ModelChoice;
import io.chatgen.core.ScoredModel;
import io.chatgen.core.stage.ModelSelector;
import io.chatgen.diffusion.checkpoint.CheckpointResolver;
import io.chatgen.diffusion.checkpoint.InstalledCheckpoints;
import io.chatgen.modeltoken.ModelTokenSelector;
import io.chatgen.modeltoken.ModelTokenTrainer;
import io.chatgen.modeltoken.NewModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Restricts model selection to the checkpoints installed in a models folder
 * ({@link InstalledCheckpoints}): the cards whose file hash or file name matches a
 * {@code .safetensors} file there, and, for the ModelToken selector, the folder's other SD 1.x
 * checkpoints, added to the vocabulary zero-shot under their file names.
 */
final class InstalledModels {
  private InstalledModels() {}

  /**
   * A selector that only picks installed models. The ModelToken selector is rebuilt with an
   * allow-list (so the whole vocabulary is searched), after adding the folder's checkpoints that
   * the catalog does not know zero-shot (their names are all the selector knows of them); any
   * other selector is filtered and its probabilities renormalised over what remains.
   *
   * @param notes where a sentence about checkpoints added by file name goes
   */
  static ModelSelector restrict(ModelSelector selector, Path modelsDir, List<String> notes) {
    if (selector instanceof ModelTokenSelector mts) {
      InstalledCheckpoints local = InstalledCheckpoints.scan(modelsDir, mts.vocabulary().cards());
      if (local.isEmpty()) {
        throw new ChatGenException("no checkpoint in " + modelsDir + " can be used: none is in the model "
            + "vocabulary (matched by SHA-256/AutoV2 hash or file name) and none is an SD 1.x .safetensors "
            + "checkpoint; drop --models-dir to plan with every known model");
      }
      if (local.unknown().isEmpty()) {
        return mts.copySettings().optAllowedModels(local.ids()).build();
      }
      notes.add(local.unknown().size() + " checkpoint(s) in " + modelsDir + " are not in the catalog and were "
          + "added by file name only: " + local.unknown().stream().map(ModelCard::name)
          .collect(Collectors.joining(", ")));
      try (ModelTokenSelector expanded = mts.expand(local.unknown().stream().map(NewModel::zeroShot).toList(),
          ModelTokenTrainer.builder().build())) {
        return expanded.copySettings().optAllowedModels(local.ids()).build();
      }
    }
    // one resolver for every request: it caches the hashes of the folder's files, which take seconds each
    CheckpointResolver resolver = new CheckpointResolver(modelsDir);
    return (request, prompt) -> {
      ModelChoice choice = selector.select(request, prompt);
      List<ScoredModel> kept = choice.ranked().stream().filter(s -> resolver.resolve(s.model()).isPresent())
          .toList();
      if (kept.isEmpty()) {
        throw new ChatGenException("the selector ranked no model installed in " + modelsDir);
      }
      double sum = kept.stream().mapToDouble(ScoredModel::probability).sum();
      List<ScoredModel> renormalised = kept.stream()
          .map(s -> new ScoredModel(s.model(), sum > 0 ? s.probability() / sum : 1.0 / kept.size())).toList();
      List<String> choiceNotes = new ArrayList<>(choice.notes());
      choiceNotes.add("restricted to the checkpoints installed in " + modelsDir);
      return new ModelChoice(renormalised, choiceNotes);
    };
  }
}
