package dev.kiln.opencl;

import dev.kiln.backend.FastCpuBackend;
import dev.kiln.backend.opencl.OpenClBackend;
import dev.kiln.testing.Tolerances;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A short ARC training run of the convolutional VAE on the opencl backend follows the same run on
 * the fast backend, step by step, within {@link Tolerances#OPENCL_TRAINING_REL}; and the run moves
 * the parameters (so agreement is not two copies of a no-op).
 */
class OpenClTrainingTest {
    private static final int STEPS = 8;

    @Test
    void arcTrainingOnOpenClTracksTheFastBackendStepByStep() {
        OpenClBackend device = OpenClTesting.backend();
        ArcSteps.Run fast = ArcSteps.train(new FastCpuBackend(1), STEPS, 8, 8, 16, 32, 8);
        long launchesBefore = device.transfers().launches();
        ArcSteps.Run ocl = ArcSteps.train(device, STEPS, 8, 8, 16, 32, 8);
        assertTrue(device.transfers().launches() - launchesBefore >= STEPS * 20L,
                "the run must go through the device's kernels");
        assertEquals(STEPS, ocl.steps().size());
        for (int s = 0; s < STEPS; s++) {
            ArcSteps.Step f = fast.steps().get(s), o = ocl.steps().get(s);
            assertClose("step " + (s + 1) + " reconstruction", o.recon(), f.recon());
            assertClose("step " + (s + 1) + " KL", o.kl(), f.kl());
        }
        ArcSteps.Step first = ocl.steps().get(0), last = ocl.steps().get(STEPS - 1);
        assertTrue(last.recon() < first.recon(), "training lowers the reconstruction loss: " + first + " → " + last);
        int params = ocl.params().size();
        assertEquals(fast.params().size(), params);
        assertTrue(params >= 10, "every layer's weights and biases compared, got " + params);
    }

    private static void assertClose(String what, double device, double fast) {
        double gap = Math.abs(device - fast) / Math.max(Math.abs(fast), 1e-12);
        assertTrue(gap <= Tolerances.OPENCL_TRAINING_REL,
                what + ": opencl " + device + ", fast " + fast + ", relative gap " + gap);
    }
}
