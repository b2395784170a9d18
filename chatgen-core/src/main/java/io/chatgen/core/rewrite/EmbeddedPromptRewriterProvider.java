package io.chatgen.core.rewrite;

import io.chatgen.core.InvalidRequestException;
import io.chatgen.core.data.Demonstration;
import io.chatgen.core.data.ReadMode;
import io.chatgen.core.spi.PromptRewriterProvider;
import io.chatgen.core.spi.StageContext;
import io.chatgen.core.stage.PromptRewriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Offers the {@link EmbeddedPromptRewriter} on the shipped vocabulary as every pipeline's default
 * rewriter. Priority 0: a provider with a language model behind it should outrank it.
 *
 * <p>Options: {@value #DEMOS_OPTION} names a demonstrations file (the Civitai {@code demos.jsonl}
 * format) to write prompts after with a {@link RetrievalPromptRewriter} over the embedded one;
 * {@value #DEMOS_SPLIT_OPTION} which of its splits to use ({@code train} by default, {@code all}
 * for every demonstration); {@value #MIN_SIMILARITY_OPTION} the similarity from which a
 * demonstration is followed.
 */
public final class EmbeddedPromptRewriterProvider implements PromptRewriterProvider {
  /** Option: a demonstrations file whose prompts the rewriter follows when one is similar enough. */
  public static final String DEMOS_OPTION = "rewrite.demos";
  /** Option: the split of that file to use ({@code train} unless set; {@code all}: every one). */
  public static final String DEMOS_SPLIT_OPTION = "rewrite.demos.split";
  /** Option: the cosine similarity from which a demonstration's prompt is followed. */
  public static final String MIN_SIMILARITY_OPTION = "rewrite.minSimilarity";

  @Override
  public PromptRewriter create(StageContext context) {
    EmbeddedPromptRewriter embedded = EmbeddedPromptRewriter.create();
    Optional<String> file = context.option(DEMOS_OPTION).filter(s -> !s.isBlank());
    if (file.isEmpty()) {
      return embedded;
    }
    Path path = Path.of(file.get().strip());
    if (!Files.isRegularFile(path)) {
      throw new InvalidRequestException(DEMOS_OPTION + " names " + path + ", which is not a file: give a"
          + " demonstrations file in the demos.jsonl format, or leave the option out");
    }
    String split = context.option(DEMOS_SPLIT_OPTION).map(String::strip).orElse("train");
    List<Demonstration> demos = Demonstration.read(path, ReadMode.LENIENT).records().stream()
        .filter(d -> split.equals("all") || d.split().equals(split)).toList();
    if (demos.isEmpty()) {
      throw new InvalidRequestException(path + " has no demonstration of split \"" + split + "\": set "
          + DEMOS_SPLIT_OPTION + " to one of its splits, or to all");
    }
    RetrievalPromptRewriter.Builder b = RetrievalPromptRewriter.builder().demonstrations(demos).base(embedded);
    context.option(MIN_SIMILARITY_OPTION).ifPresent(s -> {
      try {
        b.minSimilarity(Double.parseDouble(s.strip()));
      } catch (NumberFormatException e) {
        throw new InvalidRequestException(MIN_SIMILARITY_OPTION + " must be a number in [0, 1], was \"" + s + "\"");
      }
    });
    return b.build();
  }

  @Override
  public int priority() {
    return 0;
  }

  @Override
  public String name() {
    return "embedded";
  }
}
