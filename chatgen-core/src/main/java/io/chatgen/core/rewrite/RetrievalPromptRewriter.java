package io.chatgen.core.rewrite;

import io.chatgen.core.ChatRequest;
import io.chatgen.core.ModelCard;
import io.chatgen.core.InvalidRequestException;
import io.chatgen.core.RewrittenPrompt;
import io.chatgen.core.data.Demonstration;
import io.chatgen.core.prompt.PromptParser;
import io.chatgen.core.stage.Described;
import io.chatgen.core.stage.PromptRewriter;
import io.chatgen.core.text.SparseIndex;
import io.chatgen.core.text.SparseVector;
import io.chatgen.core.text.TfIdf;
import io.chatgen.core.text.Words;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A rewriter that writes like the prompts of your own demonstrations: it finds the demonstration
 * whose prompt is most similar to the request (TF-IDF cosine over the demonstrations you give it,
 * e.g. a Civitai export or your own history), and when that prompt is similar enough, starts from
 * it: creators post series of near-identical prompts, so a request that matches one of a series
 * is best served by the series' own wording, quality tags and negative prompt. The request's own
 * content tags (from the base rewriter) that the demonstration lacks are added, so what was asked
 * for stays in the prompt. Below the similarity threshold it returns the base rewriter's prompt.
 *
 * <p>Needs demonstrations at run time: the project ships no prompt texts, so there is no embedded
 * instance. Immutable and thread-safe when the base rewriter is.
 */
public final class RetrievalPromptRewriter implements PromptRewriter, Described {
  private final PromptRewriter base;
  private final List<Demonstration> demos;
  private final TfIdf tfidf;
  private final SparseIndex index;
  private final double minSimilarity;
  private final boolean addRequestTags;

  private RetrievalPromptRewriter(Builder b, List<Demonstration> demos) {
    this.base = b.base;
    this.demos = demos;
    this.minSimilarity = b.minSimilarity;
    this.addRequestTags = b.addRequestTags;
    this.tfidf = TfIdf.fit(demos, 1, true, Demonstration::prompt);
    this.index = SparseIndex.of(demos.stream().map(d -> tfidf.transform(d.prompt())).toList());
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public RewrittenPrompt rewrite(ChatRequest request) {
    RewrittenPrompt own = base.rewrite(request);
    SparseVector q = tfidf.transform(request.userText());
    SparseIndex.Hits hit = q.size() == 0 ? null : index.nearest(q, 1);
    if (hit == null || hit.size() == 0 || hit.scores()[0] < minSimilarity) {
      return own;
    }
    Demonstration d = demos.get(hit.docs()[0]);
    String prompt = d.prompt().strip();
    // in a small collection even "a" and "in" weigh something: a match on glue words alone is none
    Set<String> promptWords = new HashSet<>(PromptOverlap.words(prompt));
    Set<String> asked = new HashSet<>(Words.of(request.userText()));
    if (asked.stream().noneMatch(w -> promptWords.contains(w) && !EmbeddedPromptRewriter.FUNCTION_WORDS.contains(w))) {
      return own;
    }
    List<String> notes = new ArrayList<>(own.notes());
    notes.add(String.format(Locale.ROOT, "prompt written after demonstration image %d (similarity %.2f to the request)",
        d.imageId(), hit.scores()[0]));
    if (addRequestTags) {
      // the request's own content: tags of the base prompt made of the request's words (not the
      // quality and style tags it adds) that say something the demonstration's prompt does not
      Set<String> have = new LinkedHashSet<>(PromptTags.tagSet(prompt));
      List<String> extra = new ArrayList<>();
      for (String tag : PromptParser.parse(own.prompt()).tags()) {
        List<String> words = Words.of(tag);
        if (words.stream().anyMatch(asked::contains) && !promptWords.containsAll(words)
            && have.add(PromptTags.normalize(tag))) {
          extra.add(tag.strip());
        }
      }
      if (!extra.isEmpty()) {
        prompt = prompt + (prompt.endsWith(",") ? " " : ", ") + String.join(", ", extra);
      }
    }
    if (prompt.length() > RewrittenPrompt.MAX_CHARS) {
      return own;
    }
    String negative = d.negativePrompt() == null || d.negativePrompt().isBlank() ? own.negativePrompt()
        : d.negativePrompt().strip();
    return new RewrittenPrompt(prompt, negative.length() > RewrittenPrompt.MAX_CHARS ? own.negativePrompt() : negative,
        notes);
  }

  /**
   * The base rewriter fits the prompt to the chosen model: its trigger words in front and, for
   * the embedded rewriter, the tags most of its prompts use.
   */
  @Override
  public RewrittenPrompt adaptToModel(RewrittenPrompt prompt, ModelCard model) {
    return base.adaptToModel(prompt, model);
  }

  @Override
  public String describe() {
    return String.format(Locale.ROOT, "RetrievalPromptRewriter (%d demonstrations, similarity >= %.2f%s) over %s",
        demos.size(), minSimilarity, addRequestTags ? ", request tags added" : "",
        base instanceof Described ds ? ds.describe() : base.getClass().getSimpleName());
  }

  /** Settings. */
  public static final class Builder {
    private PromptRewriter base = EmbeddedPromptRewriter.create();
    private List<Demonstration> demos = List.of();
    private double minSimilarity = 0.2;
    private boolean addRequestTags = true;

    private Builder() {}

    /** The demonstrations to follow (those with a blank prompt are left out); required. */
    public Builder demonstrations(Collection<Demonstration> demonstrations) {
      this.demos = demonstrations.stream().filter(d -> d.prompt() != null && !d.prompt().isBlank()).toList();
      return this;
    }

    /** What writes the prompt when no demonstration is similar enough, and the request's own tags. */
    public Builder base(PromptRewriter rewriter) {
      this.base = rewriter;
      return this;
    }

    /**
     * The cosine similarity (TF-IDF of words and bigrams) from which a demonstration's prompt is
     * followed, in [0, 1]; default 0.2, the best of 0.15-0.3 on a held-out third of {@code
     * chats-train} (RewriteEvaluation {@code --retrieval}).
     */
    public Builder minSimilarity(double s) {
      if (!(s >= 0 && s <= 1)) {
        throw new InvalidRequestException("minSimilarity must be in [0, 1], was " + s);
      }
      this.minSimilarity = s;
      return this;
    }

    /** Whether the base rewriter's tags that the demonstration lacks are appended (default true). */
    public Builder addRequestTags(boolean add) {
      this.addRequestTags = add;
      return this;
    }

    /**
     * Builds the rewriter.
     *
     * @throws InvalidRequestException when no demonstration has a prompt
     */
    public RetrievalPromptRewriter build() {
      if (demos.isEmpty()) {
        throw new InvalidRequestException("a retrieval rewriter needs demonstrations with prompts: give some with"
            + " demonstrations(...), e.g. Demonstration.read(file, ReadMode.LENIENT).records()");
      }
      if (base == null) {
        throw new InvalidRequestException("the base rewriter must not be null");
      }
      return new RetrievalPromptRewriter(this, demos);
    }
  }
}
