package dev.kiln.anneal;

import dev.kiln.tensor.NonFiniteException;

import static dev.kiln.anneal.ScheduleMath.clamp;
import static dev.kiln.anneal.ScheduleMath.fmt;
import static dev.kiln.anneal.ScheduleMath.nonNegative;

/**
 * {@code adaptive}: a PI controller that moves β to hold the measured KL at a set point, in the
 * spirit of ControlVAE (Shao et al. 2020). Too much KL means the encoder is spending more
 * information than wanted, so β rises; too little (collapse coming) and β falls.
 * <pre>
 *   e     = KL − set_point                        error, nats per latent dimension (&gt; 0: raise β)
 *   raw₀  = β_min + kp·e + I                      output the old integral would give
 *   1. anti-windup (conditional integration): if raw₀ ≥ β_max and e &gt; 0, or raw₀ ≤ β_min and
 *      e &lt; 0, the output is already saturated in the direction the error pushes: I is left as it
 *      is. Otherwise I ← clamp(I + ki·e, 0, β_max − β_min).
 *   2. β = clamp(β_min + kp·e + I, β_min, β_max)
 * </pre>
 * Consequences, each a property in the tests: while β sits at a bound and the error keeps pushing
 * into it, I does not change at all (no windup); I never leaves [0, β_max − β_min]; and the first
 * measurement whose error points back out of saturation moves β off the bound at once, however
 * long it was saturated.
 *
 * <p>Differences from the published controller: the P term is linear in e (ControlVAE uses
 * kp/(1 + exp(−e)), bounded), and the anti-windup is a real one. The published code's test
 * {@code if self.W_k1 < 0 and self.W_k1 >= 1} can never be true, so its integrator is never held.
 *
 * <p>One {@link #update} per measurement; there is no time step, so ki is "β per nat/dim of error
 * per update". Measure the KL the same way every time (per step, or per epoch).
 */
public final class PiBetaController implements BetaController {
    public static final String NAME = "adaptive";

    /**
     * @param setPoint {@code set_point}: the KL to hold, nats per latent dimension, ≥ 0
     * @param kp       {@code kp}: proportional gain, β per nat/dim, ≥ 0
     * @param ki       {@code ki}: integral gain, β per nat/dim per update, ≥ 0 (kp + ki &gt; 0)
     * @param betaMin  {@code beta_min}, ≥ 0
     * @param betaMax  {@code beta_max}, &gt; beta_min
     * @param betaInit {@code beta_init}: β before the first update, in [beta_min, beta_max]
     */
    public record Config(double setPoint, double kp, double ki, double betaMin, double betaMax, double betaInit) {
        public static final double DEFAULT_KP = 0.5;
        public static final double DEFAULT_KI = 0.05;
        public static final double DEFAULT_BETA_MIN = 0;
        public static final double DEFAULT_BETA_MAX = 1;

        public Config {
            nonNegative("set_point", setPoint);
            nonNegative("kp", kp);
            nonNegative("ki", ki);
            if (!(kp + ki > 0)) throw new IllegalArgumentException("kp and ki cannot both be 0 (the controller would never move)");
            nonNegative("beta_min", betaMin);
            nonNegative("beta_max", betaMax);
            if (!(betaMax > betaMin)) {
                throw new IllegalArgumentException("beta_max must be > beta_min, got beta_min=" + betaMin
                        + ", beta_max=" + betaMax);
            }
            if (!(betaInit >= betaMin && betaInit <= betaMax)) {
                throw new IllegalArgumentException("beta_init must be in [beta_min, beta_max] = [" + betaMin + ", "
                        + betaMax + "], got " + betaInit);
            }
        }

        /** Default gains and bounds, starting from β = β_min. */
        public static Config withSetPoint(double setPoint) {
            return new Config(setPoint, DEFAULT_KP, DEFAULT_KI, DEFAULT_BETA_MIN, DEFAULT_BETA_MAX, DEFAULT_BETA_MIN);
        }
    }

    private final Config config;
    private double integral;   // I, in [0, β_max − β_min]
    private double beta;       // the current output, in [β_min, β_max]
    private long updates;      // measurements seen

    public PiBetaController(Config config) {
        this.config = config;
        this.integral = config.betaInit() - config.betaMin();
        this.beta = config.betaInit();
    }

    public Config config() {
        return config;
    }

    /** The integral term I (for tests and logs). */
    public double integral() {
        return integral;
    }

    public long updates() {
        return updates;
    }

    @Override
    public double update(Metrics measured) {
        double kl = measured.klPerDim();
        if (!Double.isFinite(kl)) throw new NonFiniteException(NAME + ": measured KL per dim is " + kl);
        double lo = config.betaMin(), hi = config.betaMax();
        double e = kl - config.setPoint();
        double raw0 = lo + config.kp() * e + integral;
        boolean pushedIntoUpper = raw0 >= hi && e > 0;
        boolean pushedIntoLower = raw0 <= lo && e < 0;
        if (!pushedIntoUpper && !pushedIntoLower) {                   // 1. integrate unless saturated
            integral = clamp(integral + config.ki() * e, 0, hi - lo);
        }
        beta = clamp(lo + config.kp() * e + integral, lo, hi);       // 2. bounded output
        updates++;
        return beta;
    }

    @Override public double beta() { return beta; }
    @Override public double betaMin() { return config.betaMin(); }
    @Override public double betaMax() { return config.betaMax(); }
    @Override public String name() { return NAME; }

    /** {@code [integral, beta, updates]}. */
    @Override
    public double[] saveState() {
        return new double[] {integral, beta, updates};
    }

    @Override
    public void restoreState(double[] state) {
        if (state == null || state.length != 3) {
            throw new IllegalArgumentException(NAME + ": state must be [integral, beta, updates], got "
                    + (state == null ? "null" : state.length + " values"));
        }
        double lo = config.betaMin(), hi = config.betaMax();
        if (!(state[0] >= 0 && state[0] <= hi - lo)) {
            throw new IllegalArgumentException(NAME + ": saved integral " + state[0] + " is outside [0, " + (hi - lo) + "]");
        }
        if (!(state[1] >= lo && state[1] <= hi)) {
            throw new IllegalArgumentException(NAME + ": saved beta " + state[1] + " is outside [" + lo + ", " + hi + "]");
        }
        if (!(state[2] >= 0) || state[2] != Math.rint(state[2])) {
            throw new IllegalArgumentException(NAME + ": saved update count must be a whole number ≥ 0, got " + state[2]);
        }
        integral = state[0];
        beta = state[1];
        updates = (long) state[2];
    }

    @Override
    public String describe() {
        return NAME + "(set_point=" + fmt(config.setPoint()) + ", kp=" + fmt(config.kp()) + ", ki=" + fmt(config.ki())
                + ", beta_min=" + fmt(config.betaMin()) + ", beta_max=" + fmt(config.betaMax())
                + ", beta_init=" + fmt(config.betaInit()) + ")";
    }
}
