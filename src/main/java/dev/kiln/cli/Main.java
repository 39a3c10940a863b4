package dev.kiln.cli;

import dev.kiln.error.BadInputException;
import dev.kiln.io.IoErrors;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;

/**
 * The {@code kiln} command line. Each subcommand is one class in this package.
 *
 * <p>Exit codes: 0 success; 2 anything the user can cause: bad arguments, bad input files, an I/O
 * failure (the message names the argument or file, what is wrong, what is allowed, and the OS
 * reason, e.g. "No space left on device"); 1 a bug in kiln (with a trace and a request to report
 * it), or a training run that diverged.
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
                DeviceCommand.class,
        })
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns the exit code (tests call this rather than {@link #main}). */
    public static int run(String... args) {
        CommandLine cl = commandLine();
        try {
            return cl.execute(args);
        } catch (Throwable t) {                  // an Error that picocli lets through (OutOfMemoryError, …)
            return report(t, cl.getErr(), "kiln");
        }
    }

    /** The configured picocli instance, also for tests that capture output. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) ->
                report(ex, cmd.getErr(), cmd.getCommandSpec().qualifiedName()));
        return cl;
    }

    /**
     * The one error path: prints what went wrong and returns the exit code. Everything a user can
     * cause (bad input, an I/O failure with the OS reason, a heap too small for the input) is one
     * message and exit code 2; anything else is a bug in kiln: exit 1, with the trace and a request
     * to report it.
     */
    public static int report(Throwable ex, PrintWriter err, String command) {
        String userError = userMessage(ex);
        if (userError != null) {
            err.println(command + ": " + userError);
            err.flush();
            return 2;
        }
        err.println(command + ": internal error: " + ex);
        err.println("This is a bug in kiln, please report it (with the command line and the trace below).");
        java.io.StringWriter trace = new java.io.StringWriter();
        ex.printStackTrace(new PrintWriter(trace));
        err.print(trace);
        err.flush();
        return 1;
    }

    /** The message for a failure the user caused, or null for a bug. */
    static String userMessage(Throwable ex) {
        if (ex instanceof BadInputException) return ex.getMessage();
        if (ex instanceof UncheckedIOException u) {
            IOException io = u.getCause();
            String what = u.getMessage();
            String reason = IoErrors.reason(io);
            return what == null || what.equals(io.toString()) ? describe(io) : what + ": " + reason;
        }
        if (ex instanceof IOException io) return describe(io);
        if (ex instanceof java.nio.file.ReadOnlyFileSystemException) return "cannot write: Read-only file system";
        if (ex instanceof OutOfMemoryError) {
            return "ran out of memory: the Java heap (" + (Runtime.getRuntime().maxMemory() >> 20) + " MiB) is too "
                    + "small for this input or config; give Java more (KILN_JAVA_OPTS=-Xmx8g ./kiln ...) or use a "
                    + "smaller config";
        }
        return null;
    }

    private static String describe(IOException io) {
        if (io instanceof java.nio.file.FileSystemException f && f.getFile() != null) {
            return f.getFile() + (f.getOtherFile() != null ? " -> " + f.getOtherFile() : "") + ": "
                    + IoErrors.reason(io);
        }
        return "I/O error: " + IoErrors.reason(io);
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
