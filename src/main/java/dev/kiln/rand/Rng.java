package dev.kiln.rand;

/**
 * kiln's one source of randomness: SplitMix64 (Steele, Lea &amp; Flood 2014), written out here so
 * that the same seed gives the same bits on every JDK (java.util's generators have changed
 * between releases). Gaussians come from the Box–Muller transform, also written out.
 *
 * <p>Not thread-safe: give each consumer its own generator with {@link #split()}.
 */
public final class Rng {
    private long state;
    private double spareGaussian;
    private boolean hasSpare;

    public Rng(long seed) {
        this.state = seed;
    }

    /** The next 64 random bits. */
    public long nextLong() {
        long z = (state += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, 1), 53 random bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform in [0, 1), 24 random bits. */
    public float nextFloat() {
        return (nextLong() >>> 40) * 0x1.0p-24f;
    }

    /** Uniform in [lo, hi). */
    public float uniform(float lo, float hi) {
        return lo + (hi - lo) * nextFloat();
    }

    /** Uniform in [0, bound), without modulo bias (Lemire's rejection). */
    public int nextInt(int bound) {
        if (bound <= 0) throw new IllegalArgumentException("bound must be positive, got " + bound);
        long m = (nextLong() >>> 32) * bound;
        long low = m & 0xFFFFFFFFL;
        if (low < bound) {
            long threshold = (0x1_0000_0000L - bound) % bound;
            while (low < threshold) {
                m = (nextLong() >>> 32) * bound;
                low = m & 0xFFFFFFFFL;
            }
        }
        return (int) (m >>> 32);
    }

    /** A standard normal draw (Box–Muller; the second value of each pair is kept for the next call). */
    public double nextGaussian() {
        if (hasSpare) {
            hasSpare = false;
            return spareGaussian;
        }
        double u1;
        do {
            u1 = nextDouble();
        } while (u1 <= 0.0);                         // log(0) is −∞
        double u2 = nextDouble();
        double r = Math.sqrt(-2.0 * Math.log(u1));
        double theta = 2.0 * Math.PI * u2;
        spareGaussian = r * Math.sin(theta);
        hasSpare = true;
        return r * Math.cos(theta);
    }

    /** Fills {@code out[0..n)} with standard normal draws. */
    public void fillGaussian(float[] out, int n) {
        for (int i = 0; i < n; i++) out[i] = (float) nextGaussian();
    }

    /** A standard Gumbel draw, −log(−log U) with U uniform in (0, 1). */
    public double nextGumbel() {
        double u;
        do {
            u = nextDouble();
        } while (u <= 0.0);
        return -Math.log(-Math.log(u));
    }

    /** Shuffles {@code a} in place (Fisher–Yates). */
    public void shuffle(int[] a) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** A new, independent generator seeded from this one. */
    public Rng split() {
        return new Rng(nextLong());
    }

    /** The full state, for checkpoints: {@code [state, hasSpare ? 1 : 0, bits of spare]}. */
    public long[] saveState() {
        return new long[] {state, hasSpare ? 1 : 0, Double.doubleToRawLongBits(spareGaussian)};
    }

    /** Restores what {@link #saveState()} returned. */
    public void restoreState(long[] saved) {
        state = saved[0];
        hasSpare = saved[1] != 0;
        spareGaussian = Double.longBitsToDouble(saved[2]);
    }
}
