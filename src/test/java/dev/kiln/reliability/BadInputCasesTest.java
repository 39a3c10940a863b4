package dev.kiln.reliability;

import com.google.gson.JsonObject;
import dev.kiln.cli.Main;
import dev.kiln.config.MemoryGuard;
import dev.kiln.data.FashionMnist;
import dev.kiln.error.BadInputException;
import dev.kiln.io.StrictJson;
import dev.kiln.mixture.MixtureConfig;
import dev.kiln.train.TrainConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every bad input that issue 15 lists answered cleanly: exit code 2, one message naming what is
 * wrong and where, no trace, nothing of the user's changed. Each case counts towards the closing
 * note's "inputs tried / clean".
 */
class BadInputCasesTest {
    static final Counts COUNTS = new Counts("bad-input-cases");

    static final String TINY = """
            {"name": "tiny", "epochs": 2, "batch_size": 8, "latent_dim": 4, "channels1": 4, "channels2": 4,
             "hidden": 16, "seed": 9, "backend": "reference", "synthetic_grids": 40, "val_fraction": 0.25}
            """;

    @AfterAll
    static void writeCounts() {
        COUNTS.write();
    }

    private static Cli refused(Cli c, String... fragments) {
        COUNTS.inc("tried");
        c.refusedWith(fragments);
        COUNTS.inc("clean");
        return c;
    }

    private static Path config(Path dir, String text) throws IOException {
        Path f = dir.resolve("c.json");
        Files.writeString(f, text, StandardCharsets.UTF_8);
        return f;
    }

    private static Cli train(Path config, Path out) {
        return Cli.run("train", "--config", config.toString(), "--out", out.toString());
    }

    // ------------------------------------------------------------------------------------ strict JSON

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "duplicate key      | {\"epochs\": 2, \"epochs\": 99999}          | duplicate key \"epochs\"",
            "line comment       | {\"epochs\": 2 SLASHSLASH twoNL}           | comments are not allowed",
            "block comment      | {SLASH* x *SLASH \"epochs\": 2}             | comments are not allowed",
            "single quotes      | {'epochs': 2}                                | single quotes",
            "unquoted key       | {epochs: 2}                                  | unquoted key",
            "NaN literal        | {\"lr\": NaN}                                | NaN and Infinity are not allowed",
            "Infinity literal   | {\"lr\": -Infinity}                          | not a JSON number",
            "trailing comma     | {\"epochs\": 2,}                             | trailing comma",
            "data after value   | {\"epochs\": 2} {}                           | data after the end",
            "seed 1.5           | {\"seed\": 1.5}                              | key 'seed': expected an integer",
            "seed 1e30          | {\"seed\": 1e30}                             | key 'seed'",
            "epochs 2.5         | {\"epochs\": 2.5}                            | key 'epochs': expected an integer",
            "epochs 1e30        | {\"epochs\": 1e30}                           | out of range",
            "not an object      | [1, 2]                                       | must be a JSON object",
            "empty file         | ''                                           | unexpected end of input",
    })
    void aMalformedConfigIsRefusedWithLineColumnAndWhatIsAllowed(String name, String text, String fragment,
                                                                 @TempDir Path tmp) throws IOException {
        String json = text.replace("NL", "\n").replace("''", "").replace("SLASH", "/");   // CSV eats //, /* and newlines
        Cli c = refused(train(config(tmp, json), tmp.resolve("run")), "c.json", fragment);
        if (!name.startsWith("seed") && !name.startsWith("epochs") && !name.equals("not an object")) {
            assertTrue(c.err().contains("line 1 column") || c.err().contains("line 2 column"), c.err());
        }
        assertTrue(Files.notExists(tmp.resolve("run")), "nothing is created for a bad config");
    }

    @Test
    void theDuplicateKeyMessageNamesBothPositions() {
        BadInputException e = assertThrows(BadInputException.class,
                () -> TrainConfig.parse("c.json", "{\n  \"epochs\": 2,\n  \"epochs\": 99999\n}"));
        assertTrue(e.getMessage().contains("line 3 column 3") && e.getMessage().contains("first at line 2 column 3"),
                e.getMessage());
    }

    @Test
    void aHundredThousandNestedBracketsAreRefusedWithoutStackOverflow(@TempDir Path tmp) throws IOException {
        String deep = "{\"x\": " + "[".repeat(100_000) + "]".repeat(100_000) + "}";
        refused(train(config(tmp, deep), tmp.resolve("run")), "nested deeper than " + StrictJson.MAX_DEPTH);
        String deepObjects = "{\"a\":".repeat(100_000) + "1" + "}".repeat(100_000);
        BadInputException e = assertThrows(BadInputException.class, () -> StrictJson.parse("deep", deepObjects));
        assertTrue(e.getMessage().contains("nested deeper"), e.getMessage());
    }

    @Test
    void nestingUpToTheLimitParses() {
        int d = StrictJson.MAX_DEPTH;
        assertTrue(StrictJson.parse("ok", "[".repeat(d) + "]".repeat(d)).isJsonArray());
        assertThrows(BadInputException.class, () -> StrictJson.parse("deep", "[".repeat(d + 1) + "]".repeat(d + 1)));
    }

    @Test
    void nonUtf8IsNamedWithTheByteOffset(@TempDir Path tmp) throws IOException {
        Path f = tmp.resolve("c.json");
        Files.write(f, new byte[] {'{', '"', 'n', '"', ':', '"', (byte) 0xff, '"', '}'});
        refused(train(f, tmp.resolve("run")), "not UTF-8", "byte offset 6", "0xff");
    }

    @Test
    void devZeroIsRefusedWithoutReadingIt(@TempDir Path tmp) {
        Assumptions.assumeTrue(Files.exists(Path.of("/dev/zero")), "no /dev/zero on this system");
        assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> refused(train(Path.of("/dev/zero"), tmp.resolve("run")), "/dev/zero", "not a regular file"));
    }

    @Test
    void aFifoIsRefusedWithoutHanging(@TempDir Path tmp) throws Exception {
        Path fifo = tmp.resolve("c.json");
        Process p;
        try {
            p = new ProcessBuilder("mkfifo", fifo.toString()).start();
        } catch (IOException e) {
            Assumptions.abort("mkfifo is not available: " + e.getMessage());
            return;
        }
        Assumptions.assumeTrue(p.waitFor() == 0, "mkfifo failed");
        assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> refused(train(fifo, tmp.resolve("run")), "not a regular file"));
    }

    @Test
    void anOversizedConfigIsRefusedBeforeItIsRead(@TempDir Path tmp) throws IOException {
        Path f = tmp.resolve("c.json");
        try (RandomAccessFile r = new RandomAccessFile(f.toFile(), "rw")) {
            r.setLength(JsonFieldsLimit.BYTES + 1);                     // sparse: nothing is written
        }
        refused(train(f, tmp.resolve("run")), "bytes", "at most " + JsonFieldsLimit.BYTES);
    }

    /** The config size limit, under a name the messages can be checked against. */
    static final class JsonFieldsLimit {
        static final long BYTES = dev.kiln.config.JsonFields.MAX_CONFIG_BYTES;
    }

    @Test
    void aMissingConfigNamesTheOsReason(@TempDir Path tmp) {
        refused(train(tmp.resolve("nope.json"), tmp.resolve("run")), "nope.json", "No such file or directory");
    }

    @Test
    void aConfigTooLargeForTheHeapIsRefusedSayingHowMuchItNeeds(@TempDir Path tmp) throws IOException {
        // hidden 8192 with 64 channels: 67 M parameters, ~3.5 GB with the optimizer and checkpoint buffers
        long need = MemoryGuard.arcConvBytes(32, 32, 64, 8192, 32, 2000);
        assertTrue(need > 3_000_000_000L && need < 5_000_000_000L, "estimate " + need);
        BadInputException e = assertThrows(BadInputException.class,
                () -> MemoryGuard.require("big.json", need, 4L << 30, "test"));
        assertTrue(e.getMessage().contains("MiB") && e.getMessage().contains("-Xmx"), e.getMessage());
        MemoryGuard.require("demo.json", MemoryGuard.arcConvBytes(32, 32, 64, 256, 32, 3436), 1L << 30, "demo");
        // the largest sizes a config allows exceed any heap: refused at load, before an allocation
        refused(train(config(tmp, "{\"hidden\": 65536, \"channels2\": 1024}"), tmp.resolve("run")),
                "this config needs about", "MiB");
    }

    @Test
    void theParameterCountMatchesTheModel() {
        dev.kiln.model.Vae v = dev.kiln.model.Architectures.arcConv(3, 5, 7, 2, new dev.kiln.rand.Rng(1));
        long n = 0;
        for (var p : v.params()) n += p.value.data.length;
        assertEquals(n, MemoryGuard.arcConvParameters(3, 5, 7, 2));
    }

    // ------------------------------------------------------------------------------------ ARC and IDX

    @Test
    void aDuplicateTrainKeyInAnArcFileIsRefused(@TempDir Path tmp) throws IOException {
        Path arc = Files.createDirectories(tmp.resolve("arc"));
        Files.writeString(arc.resolve("a.json"), "{\"train\": [], \"test\": [], \"train\": [{\"input\": [[1]], "
                + "\"output\": [[2]]}]}");
        refused(Cli.run("data", "stats", "--arc", arc.toString()), "a.json", "duplicate key \"train\"", "line 1 column");
    }

    @Test
    void anArcFileTooLargeIsRefusedByItsSizeNotByTheHeap(@TempDir Path tmp) throws IOException {
        Path arc = Files.createDirectories(tmp.resolve("arc"));
        try (RandomAccessFile r = new RandomAccessFile(arc.resolve("big.json").toFile(), "rw")) {
            r.setLength(dev.kiln.data.ArcLoader.MAX_TASK_BYTES + 1);
        }
        Cli c = refused(Cli.run("data", "stats", "--arc", arc.toString()), "big.json", "at most");
        assertTrue(!c.err().contains("heap"), c.err());
    }

    @Test
    void anIdxSetWithZeroImagesIsRefused(@TempDir Path tmp) throws IOException {
        byte[][] f = ReaderFuzzProperties.idxFiles();
        f[0] = ByteBuffer.allocate(16).putInt(0x803).putInt(0).putInt(28).putInt(28).array();
        f[1] = ByteBuffer.allocate(8).putInt(0x801).putInt(0).array();
        String[] names = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                "t10k-labels-idx1-ubyte"};
        for (int k = 0; k < 4; k++) Files.write(tmp.resolve(names[k]), f[k]);
        COUNTS.inc("tried");
        BadInputException e = assertThrows(BadInputException.class, () -> FashionMnist.load(tmp));
        assertTrue(e.getMessage().contains("0 images") && e.getMessage().contains("train"), e.getMessage());
        COUNTS.inc("clean");
    }

    // ------------------------------------------------------------------------------------ calculators

    @Test
    void klRefusesLogVariancesAndSigmasWhoseKlOverflowsFloat() {
        refused(Cli.run("kl", "--mu", "0", "--logvar", "1000"), "--logvar", "allowed [-80.0, 80.0]");
        refused(Cli.run("kl", "--mu", "0", "--sigma", "1e200"), "--sigma", "allowed");
        refused(Cli.run("kl", "--mu", "1e30", "--sigma", "1"), "--mu");
        Cli ok = Cli.run("kl", "--mu", "1e18", "--logvar", "80", "--json");
        assertEquals(0, ok.code(), ok.err());
        assertTrue(!ok.out().contains("Infinity") && !ok.out().contains("NaN"), ok.out());
        Cli small = Cli.run("kl", "--mu", "0", "--logvar", "-80");
        assertEquals(0, small.code(), small.err());
    }

    @Test
    void scheduleRefusesAHundredMillionEpochsAndAPlotOnADirectory(@TempDir Path tmp) {
        refused(Cli.run("schedule", "--type", "constant", "--param", "beta=0.1", "--epochs", "100000000"),
                "--epochs", "100000");
        refused(Cli.run("schedule", "--type", "constant", "--param", "beta=0.1", "--epochs", "3", "--plot",
                tmp.toString()), "--plot", "is a directory");
        assertEquals(0, Cli.run("schedule", "--type", "constant", "--param", "beta=0.1", "--epochs", "100000", "--csv")
                .code());
    }

    // ------------------------------------------------------------------------------------ --out

    @Test
    void anEmptyOutIsRefusedRatherThanWritingIntoTheCurrentDirectory(@TempDir Path tmp) throws IOException {
        refused(Cli.run("train", "--config", config(tmp, TINY).toString(), "--out", ""), "empty path");
    }

    @Test
    void outOnAFileOrDevNullIsRefused(@TempDir Path tmp) throws IOException {
        Path file = Files.writeString(tmp.resolve("notes.txt"), "mine");
        refused(train(config(tmp, TINY), file), "notes.txt", "not a directory");
        refused(train(config(tmp, TINY), Path.of("/dev/null")), "/dev/null", "not a directory");
        refused(train(config(tmp, TINY), file.resolve("run")), "is a file, not a directory");
        assertEquals("mine", Files.readString(file));
    }

    @Test
    void outWhereNoDirectoryCanBeCreatedNamesTheOsReason(@TempDir Path tmp) throws IOException {
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self")), "no /proc here");
        Cli c = refused(train(config(tmp, TINY), Path.of("/proc/kiln-run")), "/proc/kiln-run");
        assertTrue(c.err().contains("cannot create run directory"), c.err());
    }

    @Test
    void trainNeverOverwritesTheUsersOwnFilesInOut(@TempDir Path tmp) throws IOException {
        Path out = Files.createDirectories(tmp.resolve("mine"));
        Files.writeString(out.resolve("config.json"), "{\"my\": \"own config\"}");
        Files.writeString(out.resolve("summary.json"), "my own summary");
        refused(train(config(tmp, TINY), out), "not empty", "config.json", "summary.json");
        assertEquals("{\"my\": \"own config\"}", Files.readString(out.resolve("config.json")));
        assertEquals("my own summary", Files.readString(out.resolve("summary.json")));
        try (var s = Files.list(out)) {
            assertEquals(2, s.count(), "nothing added to the user's directory, not even a lock file");
        }
    }

    @Test
    void anExperimentWithBadDataTouchesNoEarlierRun(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("exp");
        Map<Path, String> before = new TreeMap<>();
        for (String run : dev.kiln.train.CollapseExperiment.RUNS) {
            Path d = Files.createDirectories(out.resolve(run).resolve("seed_1"));
            for (String f : new String[] {"metrics.jsonl", "checkpoint.bin", "summary.json", "config.json"}) {
                Files.writeString(d.resolve(f), run + "/" + f);
                before.put(d.resolve(f), run + "/" + f);
            }
        }
        refused(Cli.run("experiment", "collapse", "--out", out.toString(), "--overwrite", "--data",
                tmp.resolve("nonexistent").toString()), "nonexistent");
        refused(Cli.run("demo", "--out", out.toString(), "--data", tmp.resolve("nonexistent").toString()),
                "nonexistent");
        for (Map.Entry<Path, String> e : before.entrySet()) assertEquals(e.getValue(), Files.readString(e.getKey()));
        try (var s = Files.list(out)) {
            assertEquals(dev.kiln.train.CollapseExperiment.RUNS.size(), s.count(), "nothing was moved aside");
        }
    }

    @Test
    void anExperimentRefusesADirectoryOfTheUsersEvenWithOverwrite(@TempDir Path tmp) throws IOException {
        Path mine = Files.createDirectories(tmp.resolve("exp").resolve("naive").resolve("seed_1"));
        Files.writeString(mine.resolve("thesis.tex"), "mine");
        refused(Cli.run("experiment", "collapse", "--out", tmp.resolve("exp").toString(), "--overwrite"),
                "not empty", "thesis.tex");
        assertEquals("mine", Files.readString(mine.resolve("thesis.tex")));
    }

    // ------------------------------------------------------------------------------------ the error path

    @Test
    void anIoFailureIsExitTwoWithTheOsReason() {
        StringWriter err = new StringWriter();
        int code = Main.report(new UncheckedIOException("cannot write runs/x/metrics.jsonl",
                new FileSystemException("runs/x/metrics.jsonl", null, "No space left on device")),
                new PrintWriter(err), "kiln train");
        assertEquals(2, code);
        assertTrue(err.toString().contains("No space left on device") && !err.toString().contains(" at "),
                err.toString());
        StringWriter oom = new StringWriter();
        assertEquals(2, Main.report(new OutOfMemoryError("Java heap space"), new PrintWriter(oom), "kiln"));
        assertTrue(oom.toString().contains("-Xmx"), oom.toString());
    }

    @Test
    void onlyABugExitsOneWithATraceAndAsksForAReport() {
        StringWriter err = new StringWriter();
        int code = Main.report(new IllegalStateException("an invariant broke"), new PrintWriter(err), "kiln train");
        assertEquals(1, code);
        assertTrue(err.toString().contains("this is a bug") || err.toString().contains("This is a bug"), err.toString());
        assertTrue(err.toString().contains("please report") && err.toString().contains("\tat "), err.toString());
    }

    @Test
    void theMixtureLambdaDefaultsKeepTheirOrderSoCheckpointHeadersAreReproducible() {
        JsonObject lambda = MixtureConfig.parse("m.json", "{\"model\": \"mixture\", \"dataset\": \"synthetic\"}")
                .toJson().getAsJsonObject("prior").getAsJsonObject("lambda");
        List<String> keys = new ArrayList<>(lambda.keySet());
        assertEquals(List.of("type", "warmup_epochs", "max_beta"), keys, "Map.of would order these by a per-JVM salt");
    }
}
