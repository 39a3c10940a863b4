package dev.kiln.io;

import dev.kiln.error.BadInputException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * Whole-file writes that readers never see half done: the bytes go to a temporary file in the
 * target's directory ({@code .NAME.<random>.tmp}), are forced to disk, and the temporary file is
 * renamed over the target; then the directory itself is forced, so that the rename survives a
 * power cut. A run killed mid-write leaves the previous file (or none), never a truncated one, plus
 * at worst an orphaned temporary file, which {@link #removeOrphans} deletes on the next start.
 *
 * <p>Every failure (disk full, permission denied, read-only file system, a directory where the
 * file should be) is a {@link BadInputException} naming the file and the OS reason, and leaves the
 * target as it was.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    /** How the temporary files of this class end; they also start with a dot. */
    public static final String TEMP_SUFFIX = ".tmp";

    /** Writes {@code bytes} to {@code file}, creating its directory if needed. */
    public static void write(Path file, byte[] bytes) {
        replace(file, null, bytes);
    }

    /** Writes {@code text} as UTF-8. */
    public static void writeString(Path file, String text) {
        write(file, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Writes {@code bytes} to {@code file} and keeps the file it replaces as {@code previous}
     * (replacing an older one). The steps keep {@code file} present at every moment:
     * <ol>
     *   <li>the new bytes go to a temporary file, forced to disk;</li>
     *   <li>a second name for the current {@code file} (a hard link, or a copy where the file
     *       system has none) is renamed over {@code previous};</li>
     *   <li>the temporary file is renamed over {@code file}, and the directory is forced.</li>
     * </ol>
     * A kill between 2 and 3 leaves {@code previous} and {@code file} equal, both complete.
     */
    public static void writeKeepingPrevious(Path file, Path previous, byte[] bytes) {
        replace(file, previous, bytes);
    }

    private static void replace(Path file, Path previous, byte[] bytes) {
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        Path tmp = null;
        Path prevTmp = null;
        try {
            if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                throw new BadInputException("cannot write " + file + ": it is a directory; expected a file path");
            }
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", TEMP_SUFFIX);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) ch.write(buf);
                ch.force(true);                                   // on disk before the rename
            }
            try {            // temporary files are created 0600; what kiln writes is meant to be shared
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: keep its defaults
            }
            if (previous != null && Files.isRegularFile(target)) {
                Path prev = previous.toAbsolutePath();
                prevTmp = dir.resolve("." + prev.getFileName() + "." + System.nanoTime() + TEMP_SUFFIX);
                try {
                    Files.createLink(prevTmp, target);
                } catch (IOException | UnsupportedOperationException e) {
                    Files.copy(target, prevTmp, StandardCopyOption.REPLACE_EXISTING);
                }
                move(prevTmp, prev);
                prevTmp = null;
            }
            move(tmp, target);
            tmp = null;
            forceDirectory(dir);
        } catch (IOException e) {
            throw IoErrors.bad("cannot write " + file + " (it is unchanged)", e);
        } finally {
            deleteQuietly(tmp);
            deleteQuietly(prevTmp);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Forces a directory's entries (a rename) to disk; a no-op where the platform cannot open directories. */
    public static void forceDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Windows cannot open a directory; its renames are durable once done
        }
    }

    private static void deleteQuietly(Path p) {
        if (p == null) return;
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // the original failure is the one to report
        }
    }

    /** Whether {@code name} is one of this class's temporary files. */
    public static boolean isTemp(String name) {
        return name.startsWith(".") && name.endsWith(TEMP_SUFFIX) && name.length() > 1 + TEMP_SUFFIX.length();
    }

    /** What {@link #removeOrphans} removed. */
    public record Removed(List<Path> files, long bytes) {}

    /**
     * Deletes the temporary files that killed writes left directly in {@code dir}. Only call it
     * while no other process writes there (a run directory's lock is held).
     */
    public static Removed removeOrphans(Path dir) {
        List<Path> removed = new ArrayList<>();
        long bytes = 0;
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                if (!isTemp(p.getFileName().toString()) || !Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) continue;
                long size = Files.size(p);
                Files.delete(p);
                removed.add(p);
                bytes += size;
            }
        } catch (IOException e) {
            throw IoErrors.bad("cannot remove left-over temporary files in " + dir, e);
        }
        return new Removed(removed, bytes);
    }
}
