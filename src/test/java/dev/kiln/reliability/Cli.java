package dev.kiln.reliability;

import dev.kiln.cli.Main;

import java.io.PrintWriter;
import java.io.StringWriter;

/** The CLI run in-process with captured output, through the same error path as {@code main}. */
record Cli(int code, String out, String err) {

    static Cli run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        picocli.CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code;
        try {
            code = cl.execute(args);
        } catch (Throwable t) {
            code = Main.report(t, cl.getErr(), "kiln");
        }
        return new Cli(code, out.toString(), err.toString());
    }

    /** Exit code 2, one message (no trace), mentioning every fragment. */
    Cli refusedWith(String... fragments) {
        if (code != 2) throw new AssertionError("expected exit code 2, got " + code + "; stderr:\n" + err + "\nstdout:\n" + out);
        if (err.contains("\tat ") || err.contains("    at ")) throw new AssertionError("a stack trace:\n" + err);
        if (err.contains("setStrictness")) throw new AssertionError("Gson's advice in a message:\n" + err);
        for (String f : fragments) {
            if (!err.contains(f)) throw new AssertionError("message lacks \"" + f + "\":\n" + err);
        }
        return this;
    }
}
