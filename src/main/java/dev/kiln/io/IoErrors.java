package dev.kiln.io;

import dev.kiln.error.BadInputException;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.ReadOnlyFileSystemException;

/**
 * The operating system's reason for an I/O failure, in the words a user can act on ("No space left
 * on device", "Permission denied"), and the {@link BadInputException} that carries it to the CLI's
 * exit code 2. Java spells these reasons three ways: the message of a plain {@link IOException}
 * (disk full during a write), {@link FileSystemException#getReason()} (often null), or only the
 * exception's class ({@link NoSuchFileException}); {@link #reason} unifies them.
 */
public final class IoErrors {
    private IoErrors() {}

    /** The OS reason of {@code e}, e.g. "No space left on device"; never null or empty. */
    public static String reason(IOException e) {
        if (e instanceof FileSystemException f && f.getReason() != null && !f.getReason().isBlank()) {
            return f.getReason();
        }
        if (e instanceof NoSuchFileException) return "No such file or directory";
        if (e instanceof AccessDeniedException) return "Permission denied";
        if (e instanceof FileAlreadyExistsException) return "File exists";
        if (e instanceof NotDirectoryException) return "Not a directory";
        if (e instanceof DirectoryNotEmptyException) return "Directory not empty";
        if (e instanceof FileSystemException) return e.getClass().getSimpleName();
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    /** {@code "<what>: <OS reason>"} as bad input (exit 2), keeping {@code e} as the cause. */
    public static BadInputException bad(String what, IOException e) {
        return new BadInputException(what + ": " + reason(e), e);
    }

    /** The same for a read-only file system, which Java reports without an IOException. */
    public static BadInputException bad(String what, ReadOnlyFileSystemException e) {
        return new BadInputException(what + ": Read-only file system", e);
    }
}
