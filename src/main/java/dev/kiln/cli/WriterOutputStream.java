package dev.kiln.cli;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/** Bytes written here go to a picocli writer as UTF-8 text, so commands print where tests capture. */
final class WriterOutputStream extends OutputStream {
    private final PrintWriter out;
    private final java.io.ByteArrayOutputStream pending = new java.io.ByteArrayOutputStream();

    WriterOutputStream(PrintWriter out) {
        this.out = out;
    }

    @Override
    public void write(int b) {
        pending.write(b);
        if (b == '\n') flush();
    }

    @Override
    public void flush() {
        out.print(pending.toString(StandardCharsets.UTF_8));
        out.flush();
        pending.reset();
    }
}
