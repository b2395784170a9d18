package io.chatgen.params.resource;

import io.chatgen.core.AtomicFiles;
import io.chatgen.core.data.Demonstration;
import io.chatgen.core.data.ModelCatalog;
import io.chatgen.core.data.ReadMode;
import io.chatgen.core.data.ReadResult;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Rebuilds the shipped parameter resource from the Civitai data: the {@code train} and {@code
 * unverified} splits of {@code demos.jsonl} (parameters and hashed prompt features, no text; never
 * the test splits) and {@code models.jsonl} (documentation facts, creator, tags, base; no
 * description text).
 *
 * <pre>
 * mvn -B -o -q -pl chatgen-params compile &amp;&amp; \
 * java -Xmx2g -cp "chatgen-params/target/classes:$(cat chatgen-params/target/cp.txt)" \
 *   io.chatgen.params.resource.ParamResourceBuilder ../shared/civitai \
 *   chatgen-params/src/main/resources/io/chatgen/params/resource/params-v2.bin.gz
 * </pre>
 *
 * (write {@code cp.txt} once with {@code mvn -o -q -pl chatgen-params dependency:build-classpath
 * -Dmdep.outputFile=target/cp.txt}). Arguments: the data folder (default {@code ../shared/civitai})
 * and the output file (default the path above).
 */
public final class ParamResourceBuilder {
  private ParamResourceBuilder() {}

  /**
   * The demonstrations the shipped resource knows: the {@code train} split and the {@code
   * unverified} one (images posted on a model's page whose model hash matched none of its files;
   * they are no test demonstrations, and their settings still say how people use the model; the
   * configurator weighs them less).
   */
  public static List<Demonstration> knowledge(List<Demonstration> all) {
    return all.stream().filter(d -> d.split().equals("train") || d.split().equals("unverified")).toList();
  }

  public static void main(String[] args) throws IOException {
    Path data = Path.of(args.length > 0 ? args[0] : "../shared/civitai");
    Path out = Path.of(args.length > 1 ? args[1]
        : "chatgen-params/src/main/resources" + ParamResource.SHIPPED_PATH);
    ModelCatalog catalog = ModelCatalog.readJsonl(data.resolve("models.jsonl"), ReadMode.STRICT);
    // lenient: one unverified line of the dump has a seed beyond 64 bits; it is not a train demo
    ReadResult<Demonstration> read = Demonstration.read(data.resolve("demos.jsonl"), ReadMode.LENIENT);
    read.firstProblems().forEach(p -> System.out.println("skipped: " + p));
    ParamResource r = ParamResource.build(knowledge(read.records()), catalog.models(), false);
    Files.createDirectories(out.toAbsolutePath().getParent());
    // a build that fails half-way leaves the shipped resource as it was
    AtomicFiles.write(out, tmp -> {
      try (OutputStream o = Files.newOutputStream(tmp)) {
        r.write(o);
      }
    });
    System.out.printf("wrote %s (%d bytes): %s%n", out, Files.size(out), r.provenance());
  }
}
