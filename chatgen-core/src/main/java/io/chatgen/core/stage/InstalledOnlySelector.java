package io.chatgen.core.stage;

import io.chatgen.core.ChatGenException;
import io.chatgen.core.ChatRequest;
import io.chatgen.core.ModelCard;
import io.chatgen.core.ModelChoice;
import io.chatgen.core.RewrittenPrompt;
import io.chatgen.core.ScoredModel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Any selector, its answers filtered to the installed models and their probabilities renormalised
 * over what remains: the default of {@link ModelSelector#restrictedTo}, for selectors that cannot
 * search only the installed models themselves.
 */
final class InstalledOnlySelector implements ModelSelector, Described {
  private final ModelSelector delegate;
  private final InstalledModels installed;

  InstalledOnlySelector(ModelSelector delegate, InstalledModels installed) {
    this.delegate = delegate;
    this.installed = installed;
  }

  @Override
  public ModelChoice select(ChatRequest request, RewrittenPrompt prompt) {
    ModelChoice choice = delegate.select(request, prompt);
    // one look at what is installed for the whole ranking
    Set<ModelCard> here = new HashSet<>(installed.installedAmong(
        choice.ranked().stream().map(ScoredModel::model).toList()));
    List<ScoredModel> kept = choice.ranked().stream().filter(s -> here.contains(s.model())).toList();
    if (kept.isEmpty()) {
      throw new ChatGenException("the selector ranked no model installed in " + installed.where() + " (it ranked "
          + choice.ranked().size() + "; the first was " + choice.model().label() + "): install that model or "
          + "choose the model yourself");
    }
    double sum = kept.stream().mapToDouble(ScoredModel::probability).sum();
    List<ScoredModel> renormalised = kept.stream()
        .map(s -> new ScoredModel(s.model(), sum > 0 ? s.probability() / sum : 1.0 / kept.size())).toList();
    List<String> notes = new ArrayList<>(choice.notes());
    notes.add("restricted to the models installed in " + installed.where());
    return new ModelChoice(renormalised, notes);
  }

  @Override
  public String describe() {
    String inner = delegate instanceof Described d ? d.describe() : delegate.getClass().getName();
    return inner + ", restricted to the models installed in " + installed.where();
  }
}
