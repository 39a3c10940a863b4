package dev.kiln.config;

import dev.kiln.error.BadInputException;

import java.util.Locale;

/**
 * Refuses a config whose model cannot fit in the Java heap, before any memory is allocated: every
 * size in a config is in range on its own, but {@code "hidden": 8192} with 64 channels is a
 * 67-million-parameter layer pair that a 4 GiB heap cannot train. The estimate is an upper
 * bound in round numbers, stated in the message so that a user can check it:
 * <pre>
 *   parameters P (weights and biases of every layer)
 *   52·P bytes   values, gradients, two Adam moments (16·P) and the checkpoint buffers: the
 *                encoded file (12·P) grown in a byte stream (up to 2×) and copied once (36·P)
 *   activations  4 bytes × batch × (forward values and their gradients, ×2) per sample
 *   data         the grids, one byte per cell plus a float one-hot copy of a batch
 * </pre>
 * and the config is refused when that exceeds {@link #HEAP_SHARE} of the maximum heap.
 */
public final class MemoryGuard {
    private MemoryGuard() {}

    /** The share of the heap a run may plan to use; the rest is the JVM's and the evaluation's. */
    public static final double HEAP_SHARE = 0.8;
    /** ARC grids: 10 colours on 30 × 30 cells. */
    private static final int COLOURS = 10, CELLS = 900;

    /** Parameters of {@code Architectures.arcConv(c1, c2, hidden, latent)}, layer by layer. */
    public static long arcConvParameters(int c1, int c2, int hidden, int latent) {
        long flat = 64L * c2;                                        // [c2, 8, 8]
        long p = 0;
        p += 9L * COLOURS * c1 + c1;                                 // Conv2d 10→c1, k3
        p += 9L * c1 * c2 + c2;                                      // Conv2d c1→c2, k3
        p += flat * hidden + hidden;                                 // Linear flat→hidden
        p += 2 * ((long) hidden * latent + latent);                  // mu and logVar heads
        p += (long) latent * hidden + hidden;                        // Linear D→hidden
        p += hidden * flat + flat;                                   // Linear hidden→flat
        p += 9L * c2 * c1 + c1;                                      // ConvTranspose2d c2→c1
        p += 9L * c1 * COLOURS + COLOURS;                            // ConvTranspose2d c1→10
        return p;
    }

    /** Bytes a training run of the ARC β-VAE needs at most (see the class comment). */
    public static long arcConvBytes(int batch, int c1, int c2, int hidden, int latent, long grids) {
        long params = arcConvParameters(c1, c2, hidden, latent);
        long perSample = 2L * COLOURS * CELLS                       // one-hot input, logits
                + 2L * c1 * 225 * 2                                  // [c1, 15, 15] before and after LeakyReLU, encoder and decoder
                + 2L * c2 * 64 * 2                                   // [c2, 8, 8]
                + 4L * hidden + 6L * latent                          // hidden layers, mu, logVar, z
                + 9L * c1 * 64 + 9L * COLOURS * 225;                 // im2col columns of the two convolutions
        long activations = 4L * batch * perSample * 2;               // values and their gradients
        long data = grids * CELLS + 4L * batch * COLOURS * CELLS;
        return 52 * params + activations + data;
    }

    /**
     * Throws a {@link BadInputException} naming the source when {@code bytes} exceed
     * {@link #HEAP_SHARE} of {@code heapBytes}.
     *
     * @param what how the need was computed, for the message
     */
    public static void require(String source, long bytes, long heapBytes, String what) {
        long allowed = (long) (HEAP_SHARE * heapBytes);
        if (bytes > allowed) {
            throw new BadInputException(String.format(Locale.ROOT, "%s: this config needs about %,d MiB (%s); the Java "
                    + "heap holds %,d MiB, of which a run may plan %.0f%%: make the model smaller, or give Java more "
                    + "memory (KILN_JAVA_OPTS=-Xmx16g ./kiln ...)", source, bytes >> 20, what, heapBytes >> 20,
                    100 * HEAP_SHARE));
        }
    }

    /** {@link #require} for the ARC β-VAE against this JVM's maximum heap. */
    public static void requireArcConv(String source, int batch, int c1, int c2, int hidden, int latent, long grids) {
        long params = arcConvParameters(c1, c2, hidden, latent);
        require(source, arcConvBytes(batch, c1, c2, hidden, latent, grids), Runtime.getRuntime().maxMemory(),
                String.format(Locale.ROOT, "%,d parameters × 52 bytes + activations of a batch of %d + %,d grids",
                        params, batch, grids));
    }
}
