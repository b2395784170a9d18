package io.chatgen.examples.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.chatgen.core.ChatTurn;
import io.chatgen.core.GeneratedImage;
import io.chatgen.core.GenerationParams;
import io.chatgen.core.GenerationPlan;
import io.chatgen.core.ModelCard;
import io.chatgen.core.Param;
import io.chatgen.core.ScoredModel;
import io.chatgen.core.Stage;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Writes a plan for a person (aligned text) or for a program (JSON). */
final class PlanFormat {
  private PlanFormat() {}

  /** The plan as a person reads it: prompt, model and runners-up, every parameter and why. */
  static String text(GenerationPlan plan, int alternatives) {
    StringBuilder b = new StringBuilder();
    for (ChatTurn t : plan.request().history()) {
      b.append(String.format("%-10s %s%n", "earlier:", t.text()));
    }
    b.append(String.format("%-10s %s%n", "request:", plan.request().message()));
    if (!plan.request().images().isEmpty()) {
      b.append(String.format("%-10s %d reference image(s)%n", "images:", plan.request().images().size()));
    }
    b.append(String.format("%n%-10s %s%n", "prompt:", plan.prompt().prompt()));
    b.append(String.format("%-10s %s%n", "negative:", plan.prompt().negativePrompt().isEmpty()
        ? "(none)" : plan.prompt().negativePrompt()));
    ModelCard m = plan.model();
    b.append(String.format("%n%-10s %s  [%s, id %d, version %d]  p=%.3f%n", "model:", m.name(), m.baseModel(),
        m.id(), m.versionId(), plan.choice().probability()));
    List<ScoredModel> alts = plan.choice().alternatives();
    for (int i = 0; i < Math.min(alternatives, alts.size()); i++) {
      ScoredModel s = alts.get(i);
      b.append(String.format("%-10s %d. %s  [id %d]  p=%.3f%n", i == 0 ? "runners-up:" : "", i + 2,
          s.model().name(), s.model().id(), s.probability()));
    }
    GenerationParams p = plan.generationParams();
    Map<Param, String> why = plan.params().reasons();
    b.append(String.format("%n%s%n", "parameters:"));
    row(b, Param.SAMPLER, p.sampler().a1111Name(), why);
    row(b, Param.STEPS, String.valueOf(p.steps()), why);
    row(b, Param.CFG_SCALE, trim(p.cfgScale()), why);
    row(b, Param.CLIP_SKIP, String.valueOf(p.clipSkip()), why);
    row(b, Param.WIDTH, String.valueOf(p.width()), why);
    row(b, Param.HEIGHT, String.valueOf(p.height()), why);
    row(b, Param.SEED, String.valueOf(p.seed()), why);
    if (p.denoisingStrength() != null) {
      row(b, Param.DENOISING_STRENGTH, trim(p.denoisingStrength()), why);
    }
    if (!plan.notes().isEmpty()) {
      b.append(String.format("%nnotes:%n"));
      plan.notes().forEach(n -> b.append("  - ").append(n).append('\n'));
    }
    b.append(String.format("%n%-10s ", "planned in"));
    for (Stage s : List.of(Stage.REWRITE, Stage.SELECT, Stage.CONFIGURE)) {
      Duration d = plan.timings().get(s);
      if (d != null) {
        b.append(String.format(Locale.ROOT, "%s %.2f ms  ", s.name().toLowerCase(Locale.ROOT), d.toNanos() / 1e6));
      }
    }
    return b.append('\n').toString();
  }

  private static void row(StringBuilder b, Param param, String value, Map<Param, String> why) {
    String reason = why.get(param);
    b.append(String.format("  %-18s %-16s %s%n", param.jsonName(), value, reason == null ? "" : "<- " + reason));
  }

  private static String trim(double d) {
    return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
  }

  /** The plan as JSON, with the same content as the text form. */
  static String json(GenerationPlan plan, String imageFile) {
    return toJson(jsonObject(plan, imageFile));
  }

  /**
   * A rendered image's plan as JSON (the parameters it was actually drawn with), with the checkpoint
   * that drew it and the generator's notes.
   */
  static String json(GeneratedImage image, String imageFile) {
    JsonObject o = jsonObject(image.plan(), imageFile);
    o.addProperty("drawnWith", image.drawnWith().name());
    JsonArray notes = new JsonArray();
    image.notes().forEach(notes::add);
    o.add("imageNotes", notes);
    o.addProperty("renderMs", image.renderTime().toNanos() / 1e6);
    return toJson(o);
  }

  private static String toJson(JsonObject o) {
    return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls().create().toJson(o);
  }

  private static JsonObject jsonObject(GenerationPlan plan, String imageFile) {
    JsonObject o = new JsonObject();
    JsonObject req = new JsonObject();
    req.addProperty("message", plan.request().message());
    JsonArray hist = new JsonArray();
    plan.request().history().forEach(t -> hist.add(t.role().name().toLowerCase(Locale.ROOT) + ": " + t.text()));
    req.add("history", hist);
    req.addProperty("images", plan.request().images().size());
    req.addProperty("kind", plan.request().kind().name().toLowerCase(Locale.ROOT));
    o.add("request", req);
    o.addProperty("prompt", plan.prompt().prompt());
    o.addProperty("negativePrompt", plan.prompt().negativePrompt());
    JsonArray ranked = new JsonArray();
    for (ScoredModel s : plan.choice().ranked()) {
      JsonObject m = new JsonObject();
      m.addProperty("id", s.model().id());
      m.addProperty("versionId", s.model().versionId());
      m.addProperty("name", s.model().name());
      m.addProperty("baseModel", s.model().baseModel());
      m.addProperty("probability", s.probability());
      ranked.add(m);
    }
    o.add("model", ranked.get(0));
    o.add("alternatives", ranked.size() > 1 ? subArray(ranked) : new JsonArray());
    GenerationParams p = plan.generationParams();
    JsonObject params = new JsonObject();
    params.addProperty("sampler", p.sampler().a1111Name());
    params.addProperty("steps", p.steps());
    params.addProperty("cfgScale", p.cfgScale());
    params.addProperty("clipSkip", p.clipSkip());
    params.addProperty("width", p.width());
    params.addProperty("height", p.height());
    params.addProperty("seed", p.seed());
    params.addProperty("denoisingStrength", p.denoisingStrength());
    o.add("params", params);
    JsonObject reasons = new JsonObject();
    plan.params().reasons().forEach((k, v) -> reasons.addProperty(k.jsonName(), v));
    o.add("reasons", reasons);
    JsonArray notes = new JsonArray();
    plan.notes().forEach(notes::add);
    o.add("notes", notes);
    JsonObject prov = new JsonObject();
    plan.provenance().forEach((k, v) -> prov.addProperty(k.name().toLowerCase(Locale.ROOT), v));
    o.add("provenance", prov);
    JsonObject timings = new JsonObject();
    plan.timings().forEach((k, v) -> timings.addProperty(k.name().toLowerCase(Locale.ROOT) + "Ms", v.toNanos() / 1e6));
    o.add("timings", timings);
    if (!imageFile.isEmpty()) {
      o.addProperty("image", imageFile);
    }
    return o;
  }

  private static JsonArray subArray(JsonArray a) {
    JsonArray out = new JsonArray();
    for (int i = 1; i < a.size(); i++) {
      out.add(a.get(i));
    }
    return out;
  }
}
