package dev.kiln.reliability;

import com.google.gson.JsonObject;
import dev.kiln.data.ArcLoader;
import dev.kiln.data.FashionMnist;
import dev.kiln.error.BadInputException;
import dev.kiln.io.StrictJson;
import dev.kiln.mixture.MixtureConfig;
import dev.kiln.train.Checkpoint;
import dev.kiln.train.TrainConfig;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Fuzzing of every reader of user files: configs (ARC β-VAE and mixture), ARC task files, IDX
 * files and checkpoints, each fed a valid file damaged at random: random bytes, truncations, bit
 * flips, inserted and duplicated slices. Every answer must be a load or a {@link BadInputException}
 * (exit 2), never another exception (exit 1, a trace); and a damaged checkpoint must never load.
 */
class ReaderFuzzProperties {
    static final Counts COUNTS = new Counts("reader-fuzz");

    static final String CONFIG = """
            {"name": "tiny", "epochs": 3, "batch_size": 8, "latent_dim": 4, "channels1": 4, "channels2": 4,
             "hidden": 16, "seed": 9, "backend": "reference", "val_fraction": 0.25, "lr": 0.003,
             "schedule": {"type": "cyclical", "total_epochs": 4, "cycles": 2, "ratio": 0.5, "max_beta": 0.2},
             "free_bits": {"mode": "per_dim", "lambda": 0.05}, "collapse": {"patience": 2}}
            """;
    static final String MIXTURE = """
            {"model": "mixture", "name": "m", "epochs": 2, "dataset": "synthetic", "train_size": 64,
             "beta": {"type": "constant", "beta": 1.0},
             "prior": {"separation": 6, "sigma": 1, "lambda": {"type": "linear_warmup", "warmup_epochs": 2, "max_beta": 1}}}
            """;
    static final String ARC = """
            {"train": [{"input": [[0, 1], [2, 3]], "output": [[4, 5, 6]]}],
             "test": [{"input": [[7], [8], [9]], "output": [[0]]}]}
            """;

    /** How a valid file is damaged. */
    enum Kind { RANDOM_BYTES, TRUNCATE, FLIP_BIT, INSERT, DUPLICATE_SLICE }

    /** One damage: its kind and where (fractions of the length, so it applies to any file). */
    record Damage(Kind kind, double at, double span, int bit, byte[] noise) {
        byte[] apply(byte[] valid) {
            int n = valid.length;
            int pos = (int) Math.min(n - 1, Math.floor(at * n));
            return switch (kind) {
                case RANDOM_BYTES -> noise.clone();
                case TRUNCATE -> Arrays.copyOf(valid, pos);
                case FLIP_BIT -> {
                    byte[] b = valid.clone();
                    b[pos] ^= (byte) (1 << bit);
                    yield b;
                }
                case INSERT -> {
                    ByteArrayOutputStream o = new ByteArrayOutputStream();
                    o.write(valid, 0, pos);
                    o.writeBytes(noise);
                    o.write(valid, pos, n - pos);
                    yield o.toByteArray();
                }
                case DUPLICATE_SLICE -> {
                    int len = Math.max(1, (int) (span * (n - pos)));
                    ByteArrayOutputStream o = new ByteArrayOutputStream();
                    o.write(valid, 0, pos + len);
                    o.write(valid, pos, n - pos);
                    yield o.toByteArray();
                }
            };
        }

        boolean changes(byte[] valid) {
            return !Arrays.equals(valid, apply(valid));
        }
    }

    @Provide
    Arbitrary<Damage> damages() {
        return Combinators.combine(Arbitraries.of(Kind.class), Arbitraries.doubles().between(0, 1),
                        Arbitraries.doubles().between(0, 1), Arbitraries.integers().between(0, 7),
                        Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(64))
                .as(Damage::new);
    }

    /** Runs one reader on one damaged input: a load or a BadInputException, and counts which. */
    private static <T> T answer(String reader, Damage d, Function<byte[], T> read, byte[] input) {
        COUNTS.inc(reader + ".tried");
        COUNTS.inc("all.tried");
        COUNTS.inc("damage." + d.kind());
        try {
            T t = read.apply(input);
            COUNTS.inc(reader + ".loaded");
            COUNTS.inc("all.clean");
            return t;
        } catch (BadInputException e) {
            COUNTS.inc(reader + ".refused");
            COUNTS.inc("all.clean");
            if (e.getMessage().contains("setStrictness") || e.getMessage().contains("Input length")) {
                fail(reader + ": a message that does not help the user: " + e.getMessage());
            }
            return null;
        } catch (Throwable t) {
            COUNTS.inc(reader + ".trace");
            throw new AssertionError(reader + " answered " + d + " with " + t + " instead of a BadInputException", t);
        }
    }

    @Property(tries = 400)
    void aDamagedTrainConfigLoadsOrIsRefusedNeverATrace(@ForAll("damages") Damage d) {
        byte[] in = d.apply(CONFIG.getBytes(StandardCharsets.UTF_8));
        answer("train-config", d, b -> TrainConfig.parse("fuzz.json", StrictJson.decodeUtf8("fuzz.json", b)), in);
    }

    @Property(tries = 300)
    void aDamagedMixtureConfigLoadsOrIsRefusedNeverATrace(@ForAll("damages") Damage d) {
        byte[] in = d.apply(MIXTURE.getBytes(StandardCharsets.UTF_8));
        answer("mixture-config", d, b -> MixtureConfig.parse("fuzz.json", StrictJson.decodeUtf8("fuzz.json", b)), in);
    }

    @Property(tries = 300)
    void aDamagedArcTaskFileLoadsOrIsRefusedNeverATrace(@ForAll("damages") Damage d) throws IOException {
        Path dir = Files.createTempDirectory("kiln-fuzz-arc");
        try {
            byte[] in = d.apply(ARC.getBytes(StandardCharsets.UTF_8));
            Files.write(dir.resolve("task.json"), in);
            answer("arc", d, b -> ArcLoader.load(dir), in);
        } finally {
            deleteTree(dir);
        }
    }

    @Property(tries = 300)
    void damagedIdxFilesLoadOrAreRefusedNeverATrace(@ForAll("damages") Damage d,
                                                    @ForAll("idxTargets") int target) throws IOException {
        Path dir = Files.createTempDirectory("kiln-fuzz-idx");
        try {
            byte[][] files = idxFiles();
            files[target] = d.apply(files[target]);
            String[] names = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                    "t10k-labels-idx1-ubyte"};
            for (int k = 0; k < 4; k++) Files.write(dir.resolve(names[k]), files[k]);
            COUNTS.inc("idx.target." + names[target]);
            answer("idx", d, b -> FashionMnist.load(dir), files[target]);
        } finally {
            deleteTree(dir);
        }
    }

    @Provide
    Arbitrary<Integer> idxTargets() {
        return Arbitraries.integers().between(0, 3);
    }

    @Property(tries = 500)
    void aDamagedCheckpointIsNeverLoaded(@ForAll("damages") Damage d) {
        byte[] valid = checkpoint().encode();
        if (!d.changes(valid)) return;                         // e.g. a duplicated slice of nothing
        Checkpoint c = answer("checkpoint", d, b -> Checkpoint.decode("fuzz.bin", b), d.apply(valid));
        if (c != null) {
            COUNTS.inc("checkpoint.silent_load");
            fail("a damaged checkpoint loaded silently: " + d.kind() + " at " + d.at());
        }
    }

    @Property(tries = 200)
    void everySingleBitFlipOfACheckpointIsDetected(@ForAll("bitPositions") int bit) {
        byte[] b = checkpoint().encode();
        b[bit / 8] ^= (byte) (1 << (bit % 8));
        COUNTS.inc("checkpoint.bitflip.tried");
        BadInputException e = assertThrows(BadInputException.class, () -> Checkpoint.decode("flip.bin", b));
        COUNTS.inc("checkpoint.bitflip.refused");
        if (!e.getMessage().contains("flip.bin")) fail("the message must name the file: " + e.getMessage());
    }

    @Provide
    Arbitrary<Integer> bitPositions() {
        return Arbitraries.integers().between(0, checkpoint().encode().length * 8 - 1).edgeCases(c -> c.includeOnly(0));
    }

    @Property(tries = 20)
    void anIntactCheckpointRoundTripsExactly(@ForAll("bitPositions") int ignored) {
        Checkpoint c = checkpoint();
        Checkpoint back = Checkpoint.decode("ok.bin", c.encode());
        assertEquals(c.header(), back.header());
        assertEquals(c.arrays().keySet(), back.arrays().keySet());
        for (String k : c.arrays().keySet()) assertArrayEquals(c.arrays().get(k), back.arrays().get(k));
    }

    @AfterContainer
    static void writeCounts() {
        COUNTS.write();
    }

    /** A small checkpoint in the trainer's shape: header fields, parameters, optimizer moments. */
    static Checkpoint checkpoint() {
        JsonObject h = new JsonObject();
        h.addProperty("epochs_done", 2);
        h.addProperty("optimizer_steps", 12);
        h.addProperty("config", "{\"name\":\"tiny\",\"epochs\":3}");
        h.addProperty("collapse_epoch", -1);
        Map<String, float[]> arrays = new LinkedHashMap<>();
        arrays.put("param/w", new float[] {0.5f, -1.25f, 3f, 1e-3f});
        arrays.put("param/b", new float[] {0f});
        arrays.put("optimizer/0", new float[] {0.1f, 0.2f, 0.3f, 0.4f, 0.5f});
        return new Checkpoint(h, arrays);
    }

    /** Train 3 and test 2 images of 28×28 with labels, as the IDX files of Fashion-MNIST. */
    static byte[][] idxFiles() {
        return new byte[][] {images(3), labels(3), images(2), labels(2)};
    }

    private static byte[] images(int n) {
        ByteBuffer b = ByteBuffer.allocate(16 + n * 784).putInt(0x803).putInt(n).putInt(28).putInt(28);
        for (int i = 0; i < n * 784; i++) b.put((byte) (i * 31));
        return b.array();
    }

    private static byte[] labels(int n) {
        ByteBuffer b = ByteBuffer.allocate(8 + n).putInt(0x801).putInt(n);
        for (int i = 0; i < n; i++) b.put((byte) (i % 10));
        return b.array();
    }

    static void deleteTree(Path dir) throws IOException {
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
