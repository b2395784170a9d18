package io.chatgen.bench.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code chatgen-bench} command line, the main class of {@code chatgen-bench.jar}:
 *
 * <pre>
 * java -jar chatgen-bench/target/chatgen-bench.jar evaluate \
 *     --models ../shared/civitai/models.jsonl --demos ../shared/civitai/demos.jsonl \
 *     --chats ../shared/civitai/chats.jsonl --out target/bench
 * </pre>
 *
 * <p>DJL runs offline unless {@code -Dai.djl.offline=false} is given: the benchmark uses only
 * shipped artifacts and the PyTorch natives packed in the jar.
 */
@Command(name = "chatgen-bench", mixinStandardHelpOptions = true, version = "chatgen-bench 0.1.0",
    description = "ChatGenBench-style evaluation of the ChatGen pipeline.",
    subcommands = {EvaluateCommand.class, CommandLine.HelpCommand.class})
public final class BenchCli implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** Runs the command line and exits with its status. */
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit status (0 success, 1 bad data or failure, 2 bad usage). */
  public static int run(String... args) {
    return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
  }

  /** Runs the command line with the given output streams (for tests and embedding). */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    if (System.getProperty("ai.djl.offline") == null) {
      // never reach for the network for engines or models: the natives ship in the jar
      System.setProperty("ai.djl.offline", "true");
    }
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      // engine start-up chatter (DJL's INFO lines) would bury the progress bar and the results
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    CommandLine cli = new CommandLine(new BenchCli()).setOut(out).setErr(err);
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      cmd.getErr().println("chatgen-bench: error: " + EvaluateCommand.oneLine(e));
      return 1;
    });
    return cli.execute(args);
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name a command, e.g. evaluate (see --help)");
  }
}
