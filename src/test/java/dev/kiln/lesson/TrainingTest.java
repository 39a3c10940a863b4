package dev.kiln.lesson;

import dev.kiln.data.FashionMnist;
import dev.kiln.model.Architectures;
import dev.kiln.model.Vae;
import dev.kiln.nn.Param;
import dev.kiln.rand.Rng;
import dev.kiln.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The lesson's training loop: what the autoencoder and the VAE update, and what the settings accept. */
class TrainingTest {
    static final int HIDDEN = 16, LATENT = 3;

    static Vae model() {
        return Architectures.mlp(FashionMnist.PIXELS, new int[] {HIDDEN}, LATENT, new Rng(4));
    }

    static Map<String, float[]> snapshot(Vae vae) {
        Map<String, float[]> m = new HashMap<>();
        for (Param p : vae.params()) m.put(p.name, p.value.data.clone());
        return m;
    }

    static Tensor batch() {
        return SyntheticShapes.generate(8, 3).batch(Training.range(0, 8));   // [8, 784]
    }

    @Test
    void theAutoencoderNeverTouchesItsLogVarianceHeadAndReportsNoKl() {
        Vae vae = model();
        Map<String, float[]> before = snapshot(vae);
        Training t = new Training(vae, Objective.autoencoder(), new Training.Settings(1, 8, 1e-2f));
        Training.Losses l = t.step(batch());
        assertTrue(Double.isNaN(l.kl()), "kl " + l.kl());
        assertEquals(l.recon(), l.loss());
        for (Param p : vae.params()) {
            boolean logVarHead = p.name.startsWith("logvar.");
            boolean moved = !java.util.Arrays.equals(before.get(p.name), p.value.data);
            assertEquals(!logVarHead, moved, p.name + (logVarHead ? " moved" : " did not move"));
        }
    }

    @Test
    void theVaeTrainsEveryParameterAndItsLossIsReconstructionPlusBetaKl() {
        Vae vae = model();
        Map<String, float[]> before = snapshot(vae);
        Training.Losses l = new Training(vae, Objective.vae(0.5), new Training.Settings(1, 8, 1e-2f)).step(batch());
        assertTrue(l.kl() > 0, "kl " + l.kl());
        assertEquals(l.recon() + 0.5 * l.kl(), l.loss(), 1e-9 * Math.abs(l.loss()));
        for (Param p : vae.params()) {
            assertFalse(java.util.Arrays.equals(before.get(p.name), p.value.data), p.name + " did not move");
        }
    }

    @Test
    void sameSeedsGiveBitIdenticalEpochs() {
        FashionMnist data = SyntheticShapes.generate(40, 1);
        List<Training.Epoch> a = new Training(model(), Objective.vae(1), new Training.Settings(2, 16, 1e-3f))
                .run(data, new Rng(2), e -> {});
        List<Training.Epoch> b = new Training(model(), Objective.vae(1), new Training.Settings(2, 16, 1e-3f))
                .run(data, new Rng(2), e -> {});
        assertArrayEquals(a.stream().mapToDouble(e -> e.train().loss()).toArray(),
                b.stream().mapToDouble(e -> e.train().loss()).toArray());
    }

    @Test
    void badSettingsAndObjectivesAreRefusedNamingTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Training.Settings(0, 8, 1e-3f));
        assertTrue(e.getMessage().startsWith("epochs"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Training.Settings(1, 0, 1e-3f));
        assertTrue(e.getMessage().startsWith("batchSize"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Training.Settings(1, 8, Float.NaN));
        assertTrue(e.getMessage().startsWith("learningRate"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Objective.vae(-1));
        assertTrue(e.getMessage().startsWith("beta"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Objective(false, 1));
        assertTrue(e.getMessage().startsWith("beta"), e.getMessage());
    }
}
