package io.chatgen.bench.eval;

import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import io.chatgen.bench.metrics.ImageScorer;
import io.chatgen.bench.metrics.ImageSetScorer;
import io.chatgen.bench.metrics.UnifiedScore;
import io.chatgen.core.GeneratedImage;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The image metrics of one split: per-image means, set scores (FID) and the unified score. */
final class ImageSummary {
  private static final Logger log = LoggerFactory.getLogger(ImageSummary.class);

  private ImageSummary() {}

  static JsonObject of(boolean rendered, Scores scores, List<GeneratedImage> images,
      List<ImageScorer> scorers, List<ImageSetScorer> setScorers) {
    JsonObject o = new JsonObject();
    o.addProperty("generated", images.size());
    Double clip = null;
    Double hps = null;
    Double ir = null;
    Double fid = null;
    for (String name : List.of(UnifiedScore.CLIP, UnifiedScore.HPS_V2, UnifiedScore.IMAGE_REWARD)) {
      o.add(name, JsonNull.INSTANCE);
    }
    o.add(UnifiedScore.FID, JsonNull.INSTANCE);
    if (rendered) {
      for (ImageScorer s : scorers) {
        Double v = scores.imageMean(s.name());
        o.add(s.name(), Scores.num(v));
        switch (s.name()) {
          case UnifiedScore.CLIP -> clip = v;
          case UnifiedScore.HPS_V2 -> hps = v;
          case UnifiedScore.IMAGE_REWARD -> ir = v;
          default -> { }
        }
      }
      for (ImageSetScorer s : setScorers) {
        Double v = setScore(s, images);
        o.add(s.name(), Scores.num(v));
        if (s.name().equals(UnifiedScore.FID)) {
          fid = v;
        }
      }
    }
    o.add("unified", Scores.num(UnifiedScore.of(clip, hps, ir, fid)));
    return o;
  }

  private static @Nullable Double setScore(ImageSetScorer s, List<GeneratedImage> images) {
    if (images.isEmpty()) {
      return null;
    }
    try {
      return s.score(images);
    } catch (RuntimeException e) {
      log.warn("image set scorer {} failed: {}", s.name(), e.toString());
      return null;
    }
  }
}
