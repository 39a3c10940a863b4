package dev.kiln.io;

import dev.kiln.error.BadInputException;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Optional;

/**
 * One writer per directory: an operating-system lock on {@code DIR/.kiln.lock}, which names its
 * holder inside ({@code pid}, {@code host}, start time, command).
 *
 * <p>The OS lock is the truth: the kernel drops it when the holding process ends in any way,
 * {@code kill -9} included, so a lock file whose lock is free is stale, whatever it says. It is
 * taken over and reported as stale with the PID and host it names. Where the file system cannot
 * lock (some network file systems), the PID and host decide: a live process of this host, or any
 * process of another host, holds the directory; a PID of this host that no longer runs is stale.
 * The file stays after release, empty: deleting it would let a process that opened it just before
 * lock a file no one else sees.
 */
public final class DirectoryLock implements AutoCloseable {
    /** The lock file's name inside the directory. */
    public static final String FILE = ".kiln.lock";

    private final FileChannel channel;
    private final FileLock lock;              // null where the file system cannot lock
    private final String staleHolder;         // what the stale file said, or null

    private DirectoryLock(FileChannel channel, FileLock lock, String staleHolder) {
        this.channel = channel;
        this.lock = lock;
        this.staleHolder = staleHolder;
    }

    /**
     * Locks {@code dir} (which must exist) for this process, or throws a {@link BadInputException}
     * naming the holder.
     *
     * @param purpose what the lock is for, written into the file, e.g. "kiln train"
     */
    public static DirectoryLock acquire(Path dir, String purpose) {
        Path file = dir.resolve(FILE);
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw IoErrors.bad("cannot create the lock file " + file, e);
        }
        try {
            String before = contents(ch);
            FileLock l;
            boolean canLock = true;
            try {
                l = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                l = null;                                        // held by this very process
            } catch (IOException e) {
                l = null;
                canLock = false;                                 // no locking here: decide by PID and host
            }
            if (l == null && (canLock || holderAlive(before))) {
                ch.close();
                throw new BadInputException(dir + " is in use by another kiln process: " + describe(before)
                        + "; wait for it to finish (or stop it), or choose another directory"
                        + (canLock ? "" : "; if that process is gone, delete " + file));
            }
            String stale = before.isBlank() ? null : describe(before);
            String me = "pid=" + ProcessHandle.current().pid() + "\nhost=" + host() + "\nstarted="
                    + Instant.now() + "\ncommand=" + purpose + "\n";
            ch.truncate(0);
            ch.write(ByteBuffer.wrap(me.getBytes(StandardCharsets.UTF_8)), 0);
            ch.force(true);
            return new DirectoryLock(ch, l, stale);
        } catch (IOException e) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // report the first failure
            }
            throw IoErrors.bad("cannot lock " + dir + " (" + file + ")", e);
        }
    }

    /**
     * Refuses, naming the holder, when another process holds {@code dir}'s lock; creates nothing
     * (for checks that run before a directory of the user's may be touched).
     */
    public static void requireFree(Path dir) {
        Path file = dir.resolve(FILE);
        if (!java.nio.file.Files.isRegularFile(file)) return;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            String text = contents(ch);
            boolean held;
            try {
                FileLock l = ch.tryLock();
                held = l == null;
                if (l != null) l.release();
            } catch (OverlappingFileLockException e) {
                held = true;
            } catch (IOException e) {
                held = holderAlive(text);
            }
            if (held) {
                throw new BadInputException(dir + " is in use by another kiln process: " + describe(text)
                        + "; wait for it to finish (or stop it), or choose another directory");
            }
        } catch (IOException e) {
            throw IoErrors.bad("cannot read the lock file " + file, e);
        }
    }

    /** What the stale lock file said when it was taken over ("pid 123 on host h, …"), if it was. */
    public Optional<String> staleHolder() {
        return Optional.ofNullable(staleHolder);
    }

    /** Empties the file and releases the lock. */
    @Override
    public void close() {
        try {
            if (channel.isOpen()) {
                channel.truncate(0);
                if (lock != null) lock.release();
                channel.close();
            }
        } catch (IOException e) {
            throw IoErrors.bad("cannot release the lock on a run directory", e);
        }
    }

    private static String contents(FileChannel ch) throws IOException {
        long size = Math.min(ch.size(), 4096);
        ByteBuffer b = ByteBuffer.allocate((int) size);
        while (b.hasRemaining() && ch.read(b, b.position()) > 0) {
            // read it all
        }
        return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8);
    }

    private static String field(String text, String key) {
        for (String line : text.split("\n")) {
            if (line.startsWith(key + "=")) return line.substring(key.length() + 1).trim();
        }
        return null;
    }

    /** "pid 123 on host h, since 2026-…, running kiln train" from a lock file's text. */
    static String describe(String text) {
        String pid = field(text, "pid");
        if (pid == null) return "a process that left no name in the lock file";
        String started = field(text, "started");
        String command = field(text, "command");
        return "pid " + pid + " on host " + field(text, "host") + (started == null ? "" : ", since " + started)
                + (command == null ? "" : ", running " + command);
    }

    /** Whether the holder a lock file names still runs (for file systems without locks). */
    static boolean holderAlive(String text) {
        String pid = field(text, "pid");
        if (pid == null) return false;
        if (!host().equals(field(text, "host"))) return true;          // cannot check another machine
        try {
            return ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            String h = System.getenv("HOSTNAME");
            return h == null ? "unknown" : h;
        }
    }
}
