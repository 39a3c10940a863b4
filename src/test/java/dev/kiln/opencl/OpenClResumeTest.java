package dev.kiln.opencl;

import com.google.gson.JsonObject;
import dev.kiln.data.GridDataset;
import dev.kiln.data.SyntheticArc;
import dev.kiln.train.Checkpoint;
import dev.kiln.train.Loop;
import dev.kiln.train.TrainConfig;
import dev.kiln.train.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A trainer run on opencl, whose Adam moments stay on the device between steps, that checkpoints
 * after epoch 2 and resumes ends exactly where an uninterrupted one ends: metrics, parameters and
 * optimizer state, bit for bit. The checkpoint is written from the host arrays after
 * {@code stateArrays()} handed the moments back.
 */
class OpenClResumeTest {
    private static final GridDataset GRIDS = GridDataset.ungrouped(SyntheticArc.generate(32, 5));

    private static TrainConfig tiny(int epochs) {
        return TrainConfig.parse("tiny.json", """
                {"name": "tiny", "epochs": %d, "batch_size": 8, "latent_dim": 4, "channels1": 4, "channels2": 4,
                 "hidden": 16, "seed": 9, "backend": "opencl", "val_fraction": 0.25, "lr": 0.003,
                 "schedule": {"type": "constant", "beta": 0.5}}
                """.formatted(epochs));
    }

    private static Loop.Result train(TrainConfig cfg, Path dir, boolean resume) {
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        return new Trainer(cfg, GRIDS, "test grids", dir, quiet, false).run(resume);
    }

    private static JsonObject withoutTiming(JsonObject line) {
        JsonObject o = line.deepCopy();
        o.remove("train_seconds");
        o.remove("epoch_seconds");
        return o;
    }

    @Test
    void anOpenClRunThatCheckpointsAndResumesEndsWhereAnUninterruptedOneEnds(@TempDir Path tmp) {
        OpenClTesting.backend();                                     // skips without a device
        Loop.Result straight = train(tiny(4), tmp.resolve("straight"), false);
        train(tiny(2), tmp.resolve("resumed"), false);
        Loop.Result resumed = train(tiny(4), tmp.resolve("resumed"), true);
        assertEquals(4, straight.metrics().size());
        for (int e = 0; e < 4; e++) {
            assertEquals(withoutTiming(straight.metrics().get(e)), withoutTiming(resumed.metrics().get(e)),
                    "epoch " + (e + 1));
        }
        var a = Checkpoint.read(tmp.resolve("straight").resolve(Trainer.CHECKPOINT));
        var b = Checkpoint.read(tmp.resolve("resumed").resolve(Trainer.CHECKPOINT));
        assertEquals(a.arrays().keySet(), b.arrays().keySet());
        long moments = a.arrays().keySet().stream().filter(k -> k.startsWith("optimizer/")).count();
        assertEquals(2L * a.arrays().keySet().stream().filter(k -> k.startsWith("param/")).count(), moments,
                "m and v of every parameter are in the checkpoint");
        for (String k : a.arrays().keySet()) assertArrayEquals(a.arrays().get(k), b.arrays().get(k), k);
    }
}
