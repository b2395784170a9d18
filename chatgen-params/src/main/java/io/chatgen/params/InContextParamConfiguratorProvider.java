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
 * sets how many demonstrations vote, {@value #HEDGE_OPTION}, {@value #OTHER_VERSION_OPTION},
 * {@value #UNVERIFIED_OPTION}, {@value #SPREAD_OPTION} and {@value #COUPLING_OPTION} the builder's
 * {@link InContextConfigurator.Builder#hedge}, {@link InContextConfigurator.Builder#otherVersionWeight},
 * {@link InContextConfigurator.Builder#unverifiedWeight}, {@link
 * InContextConfigurator.Builder#spreadWeight} and {@link InContextConfigurator.Builder#samplerCoupling}.
 */
public final class InContextParamConfiguratorProvider implements ParamConfiguratorProvider {
  /** Option: path of a resource file to load instead of the shipped one. */
  public static final String RESOURCE_OPTION = "params.resource";
  /** Option: how many nearest demonstrations vote. */
  public static final String K_OPTION = "params.k";
  /** Option: how much requests like this one vote when the selector is unsure. */
  public static final String HEDGE_OPTION = "params.hedge";
  /** Option: how much demonstrations of the model's other versions count. */
  public static final String OTHER_VERSION_OPTION = "params.otherVersionWeight";
  /** Option: how much demonstrations made with another file than the model's own count. */
  public static final String UNVERIFIED_OPTION = "params.unverifiedWeight";
  /** Option: how much all of a model's demonstrations vote besides the nearest, spread evenly. */
  public static final String SPREAD_OPTION = "params.spreadWeight";
  /** Option: how much more demonstrations made with the chosen sampler weigh in the steps vote. */
  public static final String COUPLING_OPTION = "params.samplerCoupling";

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
    context.option(K_OPTION).ifPresent(k -> b.k((int) number(K_OPTION, k, true)));
    context.option(HEDGE_OPTION).ifPresent(h -> b.hedge(number(HEDGE_OPTION, h, false)));
    context.option(OTHER_VERSION_OPTION).ifPresent(w -> b.otherVersionWeight(number(OTHER_VERSION_OPTION, w, false)));
    context.option(UNVERIFIED_OPTION).ifPresent(w -> b.unverifiedWeight(number(UNVERIFIED_OPTION, w, false)));
    context.option(SPREAD_OPTION).ifPresent(w -> b.spreadWeight(number(SPREAD_OPTION, w, false)));
    context.option(COUPLING_OPTION).ifPresent(w -> b.samplerCoupling(number(COUPLING_OPTION, w, false)));
    return b.build();
  }

  private static double number(String option, String text, boolean whole) {
    try {
      return whole ? Integer.parseInt(text.trim()) : Double.parseDouble(text.trim());
    } catch (NumberFormatException e) {
      throw new io.chatgen.core.InvalidRequestException(option + " must be a " + (whole ? "whole " : "")
          + "number, was \"" + text + "\"");
    }
  }

  @Override
  public String name() {
    return "in-context";
  }
}
