package dev.kiln.reliability;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -cp <the test class path> dev.kiln.cli.Main ARGS} as a real child process, so that a
 * test can kill it with SIGKILL at any moment, or run two at once.
 */
final class ChildJvm {
    private final Process process;
    private final Path log;

    private ChildJvm(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts the CLI with {@code args}; stdout and stderr go to {@code log}. */
    static ChildJvm start(Path log, String... args) throws IOException {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx256m");
        cmd.add("-XX:TieredStopAtLevel=1");                     // quick start-up; these runs are tiny
        cmd.add("-Xshare:auto");
        cmd.add("-Djava.awt.headless=true");
        cmd.add("--add-modules=jdk.incubator.vector");           // as the kiln launcher starts it
        cmd.add("-cp");
        cmd.add(cp);
        cmd.add("dev.kiln.cli.Main");
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("KILN_CACHE", log.getParent().resolve("cache").toString());
        return new ChildJvm(pb.start(), log);
    }

    /** Runs to the end (at most {@code seconds}) and returns the exit code. */
    static int run(Path log, long seconds, String... args) throws Exception {
        ChildJvm c = start(log, args);
        return c.waitFor(seconds);
    }

    int waitFor(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("child JVM still running after " + seconds + " s; output:\n" + output());
        }
        return process.exitValue();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** SIGKILL, as {@code kill -9}: no shutdown hook, no finally block runs. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    long pid() {
        return process.pid();
    }

    String output() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    static String classPathSeparator() {
        return File.pathSeparator;
    }
}
