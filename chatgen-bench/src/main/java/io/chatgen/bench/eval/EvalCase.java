package io.chatgen.bench.eval;

import io.chatgen.core.ChatRequest;
import io.chatgen.core.InputKind;
import io.chatgen.core.ModelCard;
import io.chatgen.core.data.ChatSample;
import io.chatgen.core.data.Demonstration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One evaluated request: the chat sample, the demonstration it asks for, the request put to the
 * pipeline and the demonstration's own model card (null when the catalog lacks it).
 *
 * @param chat the chat sample
 * @param demo the target demonstration
 * @param request the request as the run's variant builds it
 * @param goldCard the demonstration's model, or null when the catalog does not have it
 */
public record EvalCase(ChatSample chat, Demonstration demo, ChatRequest request, @Nullable ModelCard goldCard) {
  /** Breakdown key of single-message requests. */
  public static final String SINGLE = "single";
  /** Breakdown key of multi-turn requests. */
  public static final String HISTORY = "history";
  /** Breakdown key of requests not written in English (overlaps the other two). */
  public static final String NON_ENGLISH = "nonEnglish";
  /** The breakdown keys, in report order. */
  public static final List<String> KINDS = List.of(SINGLE, HISTORY, NON_ENGLISH);

  public EvalCase {
    Objects.requireNonNull(chat, "chat");
    Objects.requireNonNull(demo, "demo");
    Objects.requireNonNull(request, "request");
    if (chat.imageId() != demo.imageId()) {
      throw new IllegalArgumentException(
          "chat for image " + chat.imageId() + " paired with demonstration " + demo.imageId());
    }
  }

  /** The demonstration's split ("test", "test-fewshot", ...). */
  public String split() {
    return demo.split();
  }

  /** The breakdown groups this request belongs to: its input kind, and non-English if so. */
  public List<String> kinds() {
    List<String> out = new ArrayList<>(2);
    out.add(request.kind() == InputKind.HISTORY ? HISTORY : SINGLE);
    if (chat.nonEnglish()) {
      out.add(NON_ENGLISH);
    }
    return out;
  }
}
