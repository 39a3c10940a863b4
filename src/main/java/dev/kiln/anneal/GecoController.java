package dev.kiln.anneal;

import dev.kiln.tensor.NonFiniteException;

import static dev.kiln.anneal.ScheduleMath.clamp;
import static dev.kiln.anneal.ScheduleMath.finite;
import static dev.kiln.anneal.ScheduleMath.fmt;
import static dev.kiln.anneal.ScheduleMath.positive;

/**
 * {@code geco}: a Lagrange multiplier on a reconstruction target, after GECO (Rezende &amp; Viola
 * 2018, "Taming VAEs"). The problem "minimise KL subject to reconstruction ≤ target" has the
 * Lagrangian KL + λ·(reconstruction − target); λ grows while the constraint is violated.
 * Dividing by λ gives reconstruction + (1/λ)·KL + const, so the β this class reports is
 * <b>β = 1/λ</b>: reconstruction worse than the target makes β fall, better makes β rise.
 * <pre>
 *   c      = reconstruction − target                       constraint (&gt; 0: violated)
 *   c̄      = c                          on the first update
 *          = α·c̄ + (1 − α)·c            afterwards         (α = smoothing, GECO's moving average)
 *   λ      ← λ · exp(rate · c̄)         multiplicative ascent on λ, i.e.
 *   β      ← clamp(β · exp(−rate · c̄), β_min, β_max)
 * </pre>
 * The state is β itself, clamped, so there is no separate integral to wind up: after any stretch
 * at a bound, the first average of the opposite sign moves β off it.
 *
 * <p>Dividing the Lagrangian by λ rescales the gradients by 1/λ; a trainer that prefers GECO's
 * original form puts {@link #lambda()} on the reconstruction and 1 on the KL instead.
 */
public final class GecoController implements BetaController {
    public static final String NAME = "geco";

    /**
     * @param target    {@code target}: the reconstruction loss to reach, same unit as the measured loss
     * @param rate      {@code rate}: step of the multiplicative update, &gt; 0 (per unit of loss)
     * @param smoothing {@code smoothing} α of the constraint's moving average, in [0, 1)
     * @param betaMin   {@code beta_min}, &gt; 0 (λ = 1/β must stay finite)
     * @param betaMax   {@code beta_max}, &gt; beta_min
     * @param betaInit  {@code beta_init}, in [beta_min, beta_max]
     */
    public record Config(double target, double rate, double smoothing, double betaMin, double betaMax,
                         double betaInit) {
        public static final double DEFAULT_RATE = 0.01;
        public static final double DEFAULT_SMOOTHING = 0.99;
        public static final double DEFAULT_BETA_MIN = 1e-3;
        public static final double DEFAULT_BETA_MAX = 10;
        public static final double DEFAULT_BETA_INIT = 1;

        public Config {
            finite("target", target);
            positive("rate", rate);
            if (!(smoothing >= 0 && smoothing < 1)) {
                throw new IllegalArgumentException("smoothing must be in [0, 1), got " + smoothing);
            }
            positive("beta_min", betaMin);
            positive("beta_max", betaMax);
            if (!(betaMax > betaMin)) {
                throw new IllegalArgumentException("beta_max must be > beta_min, got beta_min=" + betaMin
                        + ", beta_max=" + betaMax);
            }
            if (!(betaInit >= betaMin && betaInit <= betaMax)) {
                throw new IllegalArgumentException("beta_init must be in [beta_min, beta_max] = [" + betaMin + ", "
                        + betaMax + "], got " + betaInit);
            }
        }
    }

    private final Config config;
    private double beta;              // 1/λ, in [β_min, β_max]
    private double constraintAverage; // c̄, valid once updates > 0
    private long updates;

    public GecoController(Config config) {
        this.config = config;
        this.beta = config.betaInit();
    }

    public Config config() {
        return config;
    }

    /** λ = 1/β, the multiplier on the reconstruction constraint. */
    public double lambda() {
        return 1 / beta;
    }

    /** c̄, the smoothed constraint (NaN before the first update). */
    public double constraintAverage() {
        return updates == 0 ? Double.NaN : constraintAverage;
    }

    @Override
    public double update(Metrics measured) {
        double rec = measured.reconstruction();
        if (!Double.isFinite(rec)) throw new NonFiniteException(NAME + ": measured reconstruction loss is " + rec);
        double c = rec - config.target();
        constraintAverage = updates == 0 ? c : config.smoothing() * constraintAverage + (1 - config.smoothing()) * c;
        beta = clamp(beta * Math.exp(-config.rate() * constraintAverage), config.betaMin(), config.betaMax());
        updates++;
        return beta;
    }

    @Override public double beta() { return beta; }
    @Override public double betaMin() { return config.betaMin(); }
    @Override public double betaMax() { return config.betaMax(); }
    @Override public String name() { return NAME; }

    /** {@code [beta, constraintAverage, updates]}. */
    @Override
    public double[] saveState() {
        return new double[] {beta, constraintAverage, updates};
    }

    @Override
    public void restoreState(double[] state) {
        if (state == null || state.length != 3) {
            throw new IllegalArgumentException(NAME + ": state must be [beta, constraint_average, updates], got "
                    + (state == null ? "null" : state.length + " values"));
        }
        if (!(state[0] >= config.betaMin() && state[0] <= config.betaMax())) {
            throw new IllegalArgumentException(NAME + ": saved beta " + state[0] + " is outside [" + config.betaMin()
                    + ", " + config.betaMax() + "]");
        }
        if (!(state[2] >= 0) || state[2] != Math.rint(state[2])) {
            throw new IllegalArgumentException(NAME + ": saved update count must be a whole number ≥ 0, got " + state[2]);
        }
        beta = state[0];
        constraintAverage = state[1];
        updates = (long) state[2];
    }

    @Override
    public String describe() {
        return NAME + "(target=" + fmt(config.target()) + ", rate=" + fmt(config.rate()) + ", smoothing="
                + fmt(config.smoothing()) + ", beta_min=" + fmt(config.betaMin()) + ", beta_max="
                + fmt(config.betaMax()) + ", beta_init=" + fmt(config.betaInit()) + ")";
    }
}
