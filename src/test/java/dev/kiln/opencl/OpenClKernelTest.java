package dev.kiln.opencl;

import dev.kiln.backend.opencl.OpenClBackend;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every OpenCL kernel against its reference twin over the sweeps of {@link Sweeps}, on whatever
 * device the machine has (PoCL on CI). Skips with a message where there is no OpenCL device.
 */
class OpenClKernelTest {
    private static OpenClBackend device;

    @BeforeAll
    static void device() {
        device = OpenClTesting.backend();
    }

    private static void check(Agreement a) {
        assertTrue(a.holds(), a.toString());
    }

    @Test void tiledGemmMatchesTheReferenceForEveryTransposeOffsetAndAccumulateMode() { check(Sweeps.gemm(device)); }

    @Test void convolutionForwardMatchesTheReferenceOverTheGeometrySweep() { check(Sweeps.convForward(device)); }

    @Test void convolutionBackwardDataGathersWhatTheReferenceScatters() { check(Sweeps.convBackwardData(device)); }

    @Test void convolutionBackwardWeightsAndBiasMatchTheReference() { check(Sweeps.convBackwardWeights(device)); }

    @Test void activationsMatchTheReferenceAtExtremeInputsAndLeaveTheTailAlone() { check(Sweeps.activations(device)); }

    @Test void axpyAndScaleMatchTheReference() { check(Sweeps.axpyAndScale(device)); }

    @Test void classAxisKernelsMatchTheReferenceWithMaskedAndHugeLogits() { check(Sweeps.classAxis(device)); }

    @Test void crossEntropyMatchesTheReference() { check(Sweeps.crossEntropy(device)); }

    @Test void focalLossMatchesTheReferenceForSeveralGammas() { check(Sweeps.focal(device)); }

    @Test void bceWithLogitsMatchesTheReferenceAtHundredSizedLogits() { check(Sweeps.bce(device)); }

    @Test void gaussianKlMatchesTheReferenceAtExtremeLogVariances() { check(Sweeps.gaussianKl(device)); }

    @Test void freeBitsUnitsAndMaskAreBitIdenticalToTheReferenceInBothModes() { check(Sweeps.freeBits(device)); }

    @Test void adamStepsMatchTheReference() { check(Sweeps.adam(device)); }

    @Test void sgdStepsMatchTheReference() { check(Sweeps.sgd(device)); }
}
