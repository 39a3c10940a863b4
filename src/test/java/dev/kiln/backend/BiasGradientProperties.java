package dev.kiln.backend;

import dev.kiln.rand.Rng;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;
import org.junit.jupiter.api.Test;

import static dev.kiln.backend.EdgeFloats.FAST;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link Backend#biasGradient}: dbias[c] += (float) Σ_b sum(dy, (b·C + c)·P, P) over dy [B, C, P],
 * the plane sums by the backend's own {@code sum}, added in double with b ascending. That is what
 * ConvTranspose2d (one {@code sum} per plane) and Linear (a double loop over b) computed in the layer
 * before the kernel existed, so the layers' bias gradients are the same bits as before.
 */
class BiasGradientProperties {

    /** Every backend that serves kiln's CPU runs, the reference first. */
    private static Backend[] backends() {
        Backend[] all = new Backend[FAST.length + 1];
        all[0] = ReferenceBackend.INSTANCE;
        System.arraycopy(FAST, 0, all, 1, FAST.length);
        return all;
    }

    @StatisticsReport(onFailureOnly = true)
    @Property(tries = 60)
    void biasGradientIsTheBatchSumOfThePlaneSumsInDoubleAddedOnce(
            @ForAll @IntRange(min = 0, max = 5) int batch, @ForAll @IntRange(min = 1, max = 4) int channels,
            @ForAll @IntRange(min = 1, max = 40) int plane, @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Rng rng = new Rng(seed);
        float[] dy = new float[batch * channels * plane + EdgeFloats.GUARD];
        java.util.Arrays.fill(dy, EdgeFloats.SENTINEL);                          // past the end: must not count
        for (int i = 0; i < batch * channels * plane; i++) {
            dy[i] = (float) (rng.nextGaussian() * Math.pow(2, rng.nextInt(41) - 20));
        }
        float[] start = new float[channels];
        for (int c = 0; c < channels; c++) start[c] = (float) rng.nextGaussian();   // biasGradient adds into
        for (Backend be : backends()) {
            float[] expected = start.clone();
            for (int c = 0; c < channels; c++) {                                 // the formula, one plane at a time
                double acc = 0;
                for (int b = 0; b < batch; b++) acc += be.sum(dy, (b * channels + c) * plane, plane);
                expected[c] += (float) acc;
            }
            float[] dbias = start.clone();
            be.biasGradient(dy, batch, channels, plane, dbias);
            String where = be.name() + (be instanceof FastCpuBackend f ? " " + f.threads() + " threads" : "")
                    + ", dy [" + batch + ", " + channels + ", " + plane + "]";
            assertArrayEquals(expected, dbias, 0f, where);
            for (int c = 0; c < channels; c++) {
                assertEquals(Float.floatToRawIntBits(expected[c]), Float.floatToRawIntBits(dbias[c]), where + ", c " + c);
            }
        }
        Statistics.label("plane").collect(plane == 1 ? "1 (dense)" : "more");
        Statistics.label("plane").coverage(c -> {
            c.check("1 (dense)").count(k -> k > 0);
            c.check("more").count(k -> k > 0);
        });
    }

    /**
     * A fixture by hand, dy [3, 2, 1] (a dense layer, batch 3, two outputs) and [2, 2, 2] (planes of
     * two). Channel 0 of the first, 1 + 2⁻²⁴ + 2⁻²⁴, is 1 + 2⁻²³ in double but 1 in a float
     * accumulator (1 + 2⁻²⁴ rounds back to 1, ties to even): it pins the double sum.
     */
    @Test
    void biasGradientMatchesAHandComputedFixtureOnEveryBackend() {
        float tiny = 0x1p-24f;
        float[] dense = {1f, 10f, tiny, 20f, tiny, 30f};           // dy[b, c] = dense[b·2 + c]
        float[] planes = {1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f};        // dy[b, c, p] = planes[(b·2 + c)·2 + p]
        for (Backend be : backends()) {
            float[] dbias = {0.5f, -1f};
            be.biasGradient(dense, 3, 2, 1, dbias);
            assertArrayEquals(new float[] {0.5f + (1f + 0x1p-23f), -1f + 60f}, dbias, 0f, be.name() + ", dense");
            float[] convBias = {0f, 100f};
            be.biasGradient(planes, 2, 2, 2, convBias);
            // c = 0: (1 + 2) + (5 + 6) = 14;  c = 1: 100 + (3 + 4) + (7 + 8) = 122
            assertArrayEquals(new float[] {14f, 122f}, convBias, 0f, be.name() + ", planes");
            float[] untouched = {3f};
            be.biasGradient(planes, 0, 1, 2, untouched);            // an empty batch adds nothing
            assertArrayEquals(new float[] {3f}, untouched, 0f, be.name() + ", empty batch");
        }
    }
}
