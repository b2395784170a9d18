package io.chatgen.core.stage;

import io.chatgen.core.ModelCard;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The models an image generator can draw with, as it finds them installed (a folder of
 * checkpoints, say). The pipeline restricts model selection to them
 * ({@link ModelSelector#restrictedTo}), so that it never chooses a model the generator would have
 * to refuse; an {@link ImageGenerator} that can tell offers them through
 * {@link ImageGenerator#installedModels()}.
 */
public interface InstalledModels {
  /** Where the models are, as messages name it (e.g. "models folder /data/sd"). */
  String where();

  /** Whether the checkpoint of this card is installed. */
  boolean isInstalled(ModelCard card);

  /**
   * The cards among {@code cards} whose checkpoint is installed, in their order. By default one
   * {@link #isInstalled} per card; an implementation that lists a folder does it once for all.
   */
  default List<ModelCard> installedAmong(Collection<ModelCard> cards) {
    return cards.stream().filter(this::isInstalled).toList();
  }

  /**
   * The cards of a catalog whose checkpoint is installed, and cards for the installed checkpoints
   * that no card of the catalog claims (a merge of one's own, a renamed file), which a selector
   * can add to what it knows.
   */
  Found find(Collection<ModelCard> catalog);

  /**
   * What {@link #find} found.
   *
   * @param known the catalog's cards with an installed checkpoint, in catalog order
   * @param unknown cards made for the installed checkpoints the catalog does not know
   */
  record Found(List<ModelCard> known, List<ModelCard> unknown) {
    public Found {
      known = List.copyOf(known);
      unknown = List.copyOf(unknown);
    }

    /** The ids of every card found, known and unknown. */
    public List<Long> ids() {
      List<Long> out = new ArrayList<>(known.size() + unknown.size());
      known.forEach(c -> out.add(c.id()));
      unknown.forEach(c -> out.add(c.id()));
      return out;
    }

    /** Whether nothing installed can be drawn with. */
    public boolean isEmpty() {
      return known.isEmpty() && unknown.isEmpty();
    }
  }
}
