package io.chatgen.params;

import io.chatgen.core.ModelLoadException;
import io.chatgen.core.spi.ParamConfiguratorProvider;
import io.chatgen.core.spi.StageContext;
import io.chatgen.core.stage.ParamConfigurator;
import io.chatgen.params.resource.ParamResource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Offers the {@link InContextConfigurator} to the pipeline through {@code ServiceLoader}, with the
 * resource shipped in this jar. Options: {@value #RESOURCE_OPTION} names a resource file written
 * by {@link io.chatgen.params.resource.ParamResourceBuilder} to use instead; {@value #K_OPTION}
 * sets how many demonstrations vote.
 */
public final class InContextParamConfiguratorProvider implements ParamConfiguratorProvider {
  /** Option: path of a resource file to load instead of the shipped one. */
  public static final String RESOURCE_OPTION = "params.resource";
  /** Option: how many nearest demonstrations vote. */
  public static final String K_OPTION = "params.k";

  @Override
  public ParamConfigurator create(StageContext context) {
    InContextConfigurator.Builder b = InContextConfigurator.builder();
    Optional<String> file = context.option(RESOURCE_OPTION);
    if (file.isPresent()) {
      Path p = Path.of(file.get());
      try (InputStream in = Files.newInputStream(p)) {
        b.resource(ParamResource.read(in, p.toString()));
      } catch (IOException e) {
        throw new ModelLoadException("cannot read the parameter resource " + p + ": " + e.getMessage(), e);
      }
    }
    context.option(K_OPTION).ifPresent(k -> {
      try {
        b.k(Integer.parseInt(k.trim()));
      } catch (NumberFormatException e) {
        throw new io.chatgen.core.InvalidRequestException(K_OPTION + " must be a whole number, was \"" + k + "\"");
      }
    });
    return b.build();
  }

  @Override
  public String name() {
    return "in-context";
  }
}
