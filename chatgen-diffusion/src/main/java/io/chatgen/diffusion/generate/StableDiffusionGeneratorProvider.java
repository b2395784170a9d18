package io.chatgen.diffusion.generate;

import io.chatgen.core.InvalidRequestException;
import io.chatgen.core.spi.ImageGeneratorProvider;
import io.chatgen.core.spi.StageContext;
import io.chatgen.core.stage.ImageGenerator;
import io.chatgen.diffusion.checkpoint.CheckpointResolver;
import io.chatgen.diffusion.tiny.EmbeddedTinyModel;
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
 *   <li>{@value #PRECISION}: {@code fp16} or {@code fp32} (default);
 *   <li>{@value #EMBEDDED}: {@code true} (default) or {@code false}, whether the embedded tiny demo
 *       model ({@link EmbeddedTinyModel}) draws when neither path is set.
 * </ul>
 *
 * With neither path set, the generator draws every plan with the embedded tiny demo model at its
 * native size, and each image's notes say so; with {@value #EMBEDDED}{@code =false}, or when no
 * tiny checkpoint is on the classpath, {@link #create} returns null (no generator). It also returns
 * null when a set path does not exist or the models folder holds no {@code .safetensors} file; the
 * reason is logged.
 */
public final class StableDiffusionGeneratorProvider implements ImageGeneratorProvider {
  public static final String MODELS_DIR = "models.dir";
  public static final String CHECKPOINT = "checkpoint";
  public static final String TOKENIZER = "tokenizer";
  public static final String PRECISION = "precision";
  public static final String EMBEDDED = "embedded";

  private static final Logger log = LoggerFactory.getLogger(StableDiffusionGeneratorProvider.class);

  @Override
  public @Nullable ImageGenerator create(StageContext context) {
    Optional<Path> modelsDir = context.option(MODELS_DIR).filter(s -> !s.isBlank()).map(Path::of);
    Optional<Path> checkpoint = context.option(CHECKPOINT).filter(s -> !s.isBlank()).map(Path::of);
    if (modelsDir.isEmpty() && checkpoint.isEmpty()) {
      String embedded = context.option(EMBEDDED).orElse("true").trim().toLowerCase(Locale.ROOT);
      if (!embedded.equals("true") && !embedded.equals("false")) {
        throw new InvalidRequestException("option " + EMBEDDED + " must be true or false, was \"" + embedded + "\"");
      }
      if (embedded.equals("false") || !EmbeddedTinyModel.isAvailable()) {
        log.debug("no {} or {} option and no embedded model: no Stable Diffusion generator", MODELS_DIR, CHECKPOINT);
        return null;
      }
      log.info("no {} or {} option: the embedded tiny demo model draws every picture", MODELS_DIR, CHECKPOINT);
      return StableDiffusionGenerator.builder()
          .device(context.device())
          .checkpoint(EmbeddedTinyModel.checkpoint(), EmbeddedTinyModel.modelCard())
          .renderAt(EmbeddedTinyModel.NATIVE_WIDTH, EmbeddedTinyModel.NATIVE_HEIGHT, EmbeddedTinyModel.RECOMMENDED_CFG)
          .promptFromRequest(true)
          .avoidSamplers(EmbeddedTinyModel.UNRELIABLE_SAMPLERS, EmbeddedTinyModel.RECOMMENDED_SAMPLER)
          .build();
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
