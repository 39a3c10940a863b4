package dev.kiln.testing;

/** Every numeric tolerance the tests use, in one place (as EJML's UtilEjml.TEST_F32). */
public final class Tolerances {
    private Tolerances() {}

    /** Two float32 computations of the same quantity in a different order. */
    public static final double F32 = 1e-5;

    /** Relative tolerance of float32 results against a double-precision closed form. */
    public static final double F32_REL = 1e-4;

    /** Central-difference step, applied to float32 values. */
    public static final double FD_STEP = 1e-2;

    /** Relative tolerance between analytic and central-difference gradients. */
    public static final double GRAD_REL = 2e-2;

    /** Absolute tolerance between analytic and central-difference gradients. */
    public static final double GRAD_ABS = 2e-3;

    /**
     * A fast kernel against its scalar reference: a float32 sum of n terms in a fixed order against
     * the same sum in double. Higham's bound for a float sum of n products is
     * |fl(Σ) − Σ| ≤ γₙ·Σ|terms| with γₙ ≈ n·2⁻²⁴; the tests allow
     * (n + 2)·FAST_VS_REFERENCE_PER_TERM·Σ|terms| (the +2 for rounding the reference's result and
     * an accumulated old value), i.e. the bound with a factor 2 of headroom. Σ|terms| is computed
     * by running the reference on the absolute values of the inputs.
     */
    public static final double FAST_VS_REFERENCE_PER_TERM = 0x1p-23;

    /**
     * Fixture values worked by hand from a formula and written to 12 significant digits (the
     * tables marked {@code "exact"} in fixtures/schedules.json, scripted controller sequences):
     * relative to max(1, |expected|), far below any change a wrong formula makes.
     */
    public static final double FIXTURE_EXACT = 1e-9;

    /** Worked examples quoted to three decimals in the seeds. */
    public static final double WORKED_EXAMPLE = 5e-3;

    /**
     * How far the synthetic generator's padded black share may sit from the real ARC-AGI-1 training
     * set's (0.9407) over 2000 grids; measured seeds land within ±0.004.
     */
    public static final double BLACK_SHARE_BAND = 1e-2;

    /**
     * Standard errors a seeded Monte-Carlo estimate may stray from its expectation (a frequency
     * against a probability p over n draws: |f − p| ≤ this·sqrt(p(1 − p)/n)).
     */
    public static final double MONTE_CARLO_SIGMAS = 5.0;

    /**
     * The least gap, in nats per image, between neighbouring points of a β sweep for its trend to
     * count (KL falling, reconstruction error rising); the lesson's small synthetic sweep shows gaps
     * of 3–17 nats.
     */
    public static final double BETA_SWEEP_MARGIN_NATS = 1.0;

    /**
     * The least gap in RMS pixel distance (pixels in [0, 1]) by which the autoencoder's prior
     * samples must lie further from the training images than the VAE's; measured gaps on the
     * synthetic shapes are 0.03–0.05.
     */
    public static final double SAMPLE_DISTANCE_MARGIN = 0.01;

    /**
     * An OpenCL kernel against its reference twin where both do the same float and double
     * operations in the same order (activations, class-axis ops, losses, KL, optimizer steps): they
     * differ only by the device's exp/log/pow/tanh (OpenCL allows a few ulp in double) and by fused
     * multiply-adds the OpenCL compiler may contract (OpenCL C contracts by default), i.e. by a few
     * float roundings of the operands. Allowed: this × (|reference| + |the value added into| +
     * |the operands of a contracted product|), plus {@link Float#MIN_NORMAL} for a device that
     * flushes subnormals (see dev.kiln.opencl.Agreement).
     */
    public static final double OPENCL_SAME_ORDER_REL = 1e-6;

    /**
     * A short ARC training run on the opencl backend against the same run on reference: the
     * relative gap of the last logged training loss and KL. GEMM and convolution sum in float on
     * the device (double in the reference), and those roundings compound over the steps.
     */
    public static final double OPENCL_TRAINING_REL = 1e-3;

    /**
     * A decoded pixel (a probability in [0, 1]) computed by the lesson explorer's JavaScript decoder
     * in float32 against kiln's Java decoder for the same z: the two sum in different orders.
     */
    public static final double EXPLORER_PIXEL = 1e-4;
}
