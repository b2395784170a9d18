package io.chatgen.diffusion.generate;

import io.chatgen.core.InvalidRequestException;
import io.chatgen.core.spi.ImageGeneratorProvider;
import io.chatgen.core.spi.StageContext;
import io.chatgen.core.stage.ImageGenerator;
import io.chatgen.diffusion.checkpoint.CheckpointResolver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Offers {@link StableDiffusionGenerator} to the pipeline when a checkpoint is configured through
 * the stage context's options:
 *
 * <ul>
 *   <li>{@value #MODELS_DIR}: folder of installed {@code .safetensors} checkpoints;
 *   <li>{@value #CHECKPOINT}: one checkpoint file used for every plan;
 *   <li>{@value #TOKENIZER}: folder with {@code vocab.json} and {@code merges.txt} (optional);
 *   <li>{@value #PRECISION}: {@code fp16} or {@code fp32} (default).
 * </ul>
 *
 * {@link #create} returns null (no generator) when neither path is set, when a set path does not
 * exist, or when the models folder holds no {@code .safetensors} file; the reason is logged.
 */
public final class StableDiffusionGeneratorProvider implements ImageGeneratorProvider {
  public static final String MODELS_DIR = "models.dir";
  public static final String CHECKPOINT = "checkpoint";
  public static final String TOKENIZER = "tokenizer";
  public static final String PRECISION = "precision";

  private static final Logger log = LoggerFactory.getLogger(StableDiffusionGeneratorProvider.class);

  @Override
  public @Nullable ImageGenerator create(StageContext context) {
    Optional<Path> modelsDir = context.option(MODELS_DIR).filter(s -> !s.isBlank()).map(Path::of);
    Optional<Path> checkpoint = context.option(CHECKPOINT).filter(s -> !s.isBlank()).map(Path::of);
    if (modelsDir.isEmpty() && checkpoint.isEmpty()) {
      log.debug("no {} or {} option: no Stable Diffusion generator", MODELS_DIR, CHECKPOINT);
      return null;
    }
    if (checkpoint.isPresent() && !Files.isRegularFile(checkpoint.get())) {
      log.warn("checkpoint {} does not exist: no Stable Diffusion generator", checkpoint.get());
      return null;
    }
    if (modelsDir.isPresent()) {
      if (!Files.isDirectory(modelsDir.get())) {
        log.warn("models folder {} does not exist: no Stable Diffusion generator", modelsDir.get());
        return null;
      }
      if (checkpoint.isEmpty() && new CheckpointResolver(modelsDir.get()).checkpoints().isEmpty()) {
        log.warn("models folder {} holds no .safetensors checkpoint: no Stable Diffusion generator", modelsDir.get());
        return null;
      }
    }
    String precision = context.option(PRECISION).orElse("fp32").trim().toLowerCase(Locale.ROOT);
    if (!precision.equals("fp32") && !precision.equals("fp16")) {
      throw new InvalidRequestException("option " + PRECISION + " must be fp16 or fp32, was \"" + precision + "\"");
    }
    StableDiffusionGenerator.Builder b = StableDiffusionGenerator.builder()
        .device(context.device())
        .halfPrecision(precision.equals("fp16"));
    modelsDir.ifPresent(b::modelsDir);
    checkpoint.ifPresent(b::checkpoint);
    context.option(TOKENIZER).filter(s -> !s.isBlank()).map(Path::of).ifPresent(b::tokenizerDir);
    return b.build();
  }

  @Override
  public int priority() {
    return 10;
  }

  @Override
  public String name() {
    return "chatgen-diffusion (Stable Diffusion on DJL)";
  }
}
