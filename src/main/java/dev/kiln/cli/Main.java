package dev.kiln.cli;

import dev.kiln.error.BadInputException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/**
 * The {@code kiln} command line. Each subcommand is one class in this package.
 *
 * <p>Exit codes: 0 success; 2 bad arguments or bad input files (the message names the argument or
 * file, what is wrong and what is allowed); 1 a failure while running.
 */
@Command(name = "kiln",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "β-VAE training without posterior collapse, in plain Java.",
        subcommands = {
                CommandLine.HelpCommand.class,
                DemoCommand.class,
                TrainCommand.class,
                ExperimentCommand.class,
                SweepCommand.class,
                CompareCommand.class,
                DataCommand.class,
                KlCommand.class,
                FreeBitsCommand.class,
                ScheduleCommand.class,
                LessonCommand.class,
        })
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns the exit code (tests call this rather than {@link #main}). */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    /** The configured picocli instance, also for tests that capture output. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            PrintWriter err = cmd.getErr();
            if (ex instanceof BadInputException) {
                err.println(cmd.getCommandSpec().qualifiedName() + ": " + ex.getMessage());
                return 2;
            }
            err.println(cmd.getCommandSpec().qualifiedName() + ": error: " + ex);
            for (StackTraceElement e : ex.getStackTrace()) err.println("    at " + e);
            return 1;
        });
        return cl;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Reports the version from the jar manifest, or "dev" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"kiln " + (v == null ? "dev" : v)};
        }
    }
}
