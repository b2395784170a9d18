package io.chatgen.core.stage;

import io.chatgen.core.GeneratedImage;
import io.chatgen.core.GenerationPlan;
import java.util.Optional;

/** Stage 4: renders the image a plan describes. */
@FunctionalInterface
public interface ImageGenerator {
  /**
   * Renders a plan, reporting each denoising step.
   *
   * @throws io.chatgen.core.GenerationCancelledException when {@code progress} cancels
   * @throws io.chatgen.core.ChatGenException when the model cannot be loaded or run
   */
  GeneratedImage generate(GenerationPlan plan, DenoisingProgress progress);

  /** Renders a plan without progress reports. */
  default GeneratedImage generate(GenerationPlan plan) {
    return generate(plan, DenoisingProgress.NONE);
  }

  /**
   * The models this generator can draw with, when it draws only installed ones (a folder of
   * checkpoints); empty when it draws any plan (one configured checkpoint, a remote service). The
   * pipeline restricts model selection to them.
   */
  default Optional<InstalledModels> installedModels() {
    return Optional.empty();
  }
}
