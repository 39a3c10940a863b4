package dev.kiln.opencl;

import dev.kiln.backend.ConvShape;
import dev.kiln.backend.opencl.OpenClBackend;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A device kernel has no bounds checks, so the backend checks extents before every launch: a
 * too-short array or a target outside the classes is refused on the host (where the reference
 * would throw an index exception), before anything is copied or written.
 */
class OpenClBoundsTest {
    private static OpenClBackend device;

    @BeforeAll
    static void device() {
        device = OpenClTesting.backend();
    }

    @Test
    void aGemmWhoseOutputIsTooShortForItsOffsetIsRefusedAndNothingRuns() {
        long launches = device.transfers().launches();
        float[] c = {7f, 7f, 7f, 7f};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> device.gemm(false, false, 2, 2, 3, new float[6], 0, new float[6], 0, c, 1, false));
        assertTrue(e.getMessage().contains("gemm C: 4 elements, need 5"), e.getMessage());
        assertArrayEquals(new float[] {7f, 7f, 7f, 7f}, c);
        assertEquals(launches, device.transfers().launches());
    }

    @Test
    void aConvolutionInputShorterThanItsGeometryIsRefused() {
        ConvShape s = ConvShape.conv(2, 3, 5, 5, 4, 3, 1, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> device.conv2dForward(s, new float[s.xSize() - 1], new float[s.wSize()], null,
                        new float[s.ySize()]));
        assertTrue(e.getMessage().contains("conv x"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> device.conv2dBackwardWeights(s, new float[s.xSize()], new float[s.ySize()],
                        new float[s.wSize()], new float[s.outC() - 1]));
    }

    @Test
    void aTargetOutsideTheClassesIsRefusedBeforeTheDeviceReadsItsWeight() {
        float[] logp = new float[2 * 3];                       // [rows 2, classes 3, inner 1]
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> device.crossEntropy(logp, new int[] {1, 3}, null, 2, 3, 1));
        assertTrue(e.getMessage().contains("targets[1] = 3"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> device.focalBackward(logp, new int[] {-1, 0}, null, 2f, 2, 3, 1, 1f, new float[6]));
    }

    @Test
    void elementwiseAndOptimizerKernelsRefuseArraysShorterThanN() {
        assertThrows(IllegalArgumentException.class, () -> device.axpy(1f, new float[3], new float[4], 4));
        assertThrows(IllegalArgumentException.class,
                () -> device.adamStep(new float[4], new float[4], new float[4], new float[3], 4, 1e-3f, 0.9f,
                        0.999f, 1e-8f, 0f, false, 0.1f, 0.001f));
        assertThrows(IllegalArgumentException.class, () -> device.gaussianKl(new float[4], new float[2],
                new float[4], 4));
    }
}
