package dev.kiln.mixture;

import com.google.gson.JsonObject;

import java.util.Locale;

/**
 * The "pots" curriculum of seed 004: which pots are open, when the next one opens, the kick after
 * each opening, and when growth stops. A pure state machine over per-epoch observations, so that a
 * scripted loss curve decides every unlock (the tests drive it that way).
 *
 * <p><b>Stages.</b> Stage 0 has pot 0 open. A stage ends at the trigger; then the next pot opens,
 * the next {@code kick.epochs} epochs are the kick, and the stage after it starts.
 * <pre>
 *   after each epoch, with V its validation objective:
 *   0. frozen (growth stopped, or every pot open and the last stage over): nothing more happens
 *   1. a kick epoch just ended: count it down, nothing else (V of a kick epoch is not judged)
 *   2. stageEpochs += 1;  stageMin = min(stageMin, V)
 *      V "improves" on ref when V &lt; ref − minRel·|ref|: then ref = V and since = 0, else since += 1
 *      (the first epoch of a stage sets ref = V)
 *   3. the stage is over when
 *        plateau:    since ≥ patience
 *        normality:  stageEpochs ≥ minStageEpochs and some open pot's codes fail the normality test
 *   4. at the end of stage s ≥ 1: if stageMin_s does not improve on stageMin_{s−1} by minGain
 *      (same rule as 2), the pot opened for stage s did not help: stop growing (event "stop")
 *   5. otherwise, if every pot is open: stop (event "full"); else open the next pot (event
 *      "unlock"), start its kick, and start stage s + 1 with a fresh ref and stageMin
 * </pre>
 * With {@code enabled = false} every pot is open from the start and nothing ever changes (the
 * all-pots baseline).
 */
public final class PotCurriculum {

    /** What ends a stage. */
    public enum Trigger {
        /** patience epochs without a relative improvement of minRel in the validation objective */
        PLATEAU("plateau"),
        /** some open pot's codes fail the Jarque–Bera test ({@link Normality}) after minStageEpochs */
        NORMALITY("normality");

        private final String configName;

        Trigger(String configName) {
            this.configName = configName;
        }

        public String configName() {
            return configName;
        }

        public static Trigger parse(String name) {
            for (Trigger t : values()) if (t.configName.equals(name)) return t;
            throw new IllegalArgumentException("curriculum: unknown trigger '" + name + "'; allowed: plateau, normality");
        }
    }

    /** How a newly opened pot starts (the trainer applies it; see {@link PotSplit}). */
    public enum NewPot {
        /** a copy of the busiest open pot, split along the principal axis of its codes */
        SPLIT("split"),
        /** as initialized: an untrained logit row, heads and a zero embedding (seed 004's "empty pot") */
        FRESH("fresh");

        private final String configName;

        NewPot(String configName) {
            this.configName = configName;
        }

        public String configName() {
            return configName;
        }

        public static NewPot parse(String name) {
            for (NewPot n : values()) if (n.configName.equals(name)) return n;
            throw new IllegalArgumentException("curriculum: unknown new_pot '" + name + "'; allowed: split, fresh");
        }
    }

    /**
     * The kick after an unlock: for {@code epochs} epochs the routing is softer (τ at least
     * {@code temperature}, no straight-through), the new pot's logit gets a bias that falls linearly
     * from {@code logitBias} to 0 over the kick, and λ is multiplied by {@code lambdaScale}.
     *
     * @param epochs      kick length in epochs, ≥ 0 (0: no kick)
     * @param temperature the kick's floor on τ, &gt; 0
     * @param logitBias   the bias on the new pot's logit at the start of the kick, ≥ 0
     * @param lambdaScale the factor on λ during the kick, in [0, 1]
     */
    public record Kick(int epochs, double temperature, double logitBias, double lambdaScale) {
        public Kick {
            if (epochs < 0) throw new IllegalArgumentException("kick.epochs = " + epochs + " must be ≥ 0");
            if (!(temperature > 0) || !Double.isFinite(temperature)) {
                throw new IllegalArgumentException("kick.temperature = " + temperature + " must be finite and > 0");
            }
            if (!(logitBias >= 0) || !Double.isFinite(logitBias)) {
                throw new IllegalArgumentException("kick.logit_bias = " + logitBias + " must be finite and ≥ 0");
            }
            if (!(lambdaScale >= 0 && lambdaScale <= 1)) {
                throw new IllegalArgumentException("kick.lambda_scale = " + lambdaScale + " must be in [0, 1]");
            }
        }
    }

    /**
     * @param pots              K_max, ≥ 1
     * @param enabled           false: every pot open from the start, no growth
     * @param trigger           what ends a stage
     * @param patience          plateau: epochs without improvement that end a stage, ≥ 1
     * @param minRelImprovement relative decrease of V that counts as an improvement, in [0, 1)
     * @param minGain           relative decrease of the stage minimum a new pot must bring, in [0, 1)
     * @param minStageEpochs    normality: epochs a stage runs at least, ≥ 1
     * @param kick              the kick after each unlock
     * @param newPot            how a new pot starts
     * @param splitMargin       split: the std of the child's logit lead over the parent, in logits, &gt; 0
     */
    public record Config(int pots, boolean enabled, Trigger trigger, int patience, double minRelImprovement,
                         double minGain, int minStageEpochs, Kick kick, NewPot newPot, double splitMargin) {
        public Config {
            if (pots < 1) throw new IllegalArgumentException("curriculum: k_max = " + pots + " must be ≥ 1");
            if (patience < 1) throw new IllegalArgumentException("curriculum.patience = " + patience + " must be ≥ 1");
            if (!(minRelImprovement >= 0 && minRelImprovement < 1)) {
                throw new IllegalArgumentException("curriculum.min_rel_improvement = " + minRelImprovement
                        + " must be in [0, 1)");
            }
            if (!(minGain >= 0 && minGain < 1)) {
                throw new IllegalArgumentException("curriculum.min_gain = " + minGain + " must be in [0, 1)");
            }
            if (minStageEpochs < 1) {
                throw new IllegalArgumentException("curriculum.min_stage_epochs = " + minStageEpochs + " must be ≥ 1");
            }
            java.util.Objects.requireNonNull(trigger, "curriculum.trigger");
            java.util.Objects.requireNonNull(kick, "curriculum.kick");
            java.util.Objects.requireNonNull(newPot, "curriculum.new_pot");
            if (!(splitMargin > 0) || !Double.isFinite(splitMargin)) {
                throw new IllegalArgumentException("curriculum.split_margin = " + splitMargin + " must be finite and > 0");
            }
        }
    }

    /**
     * Something the curriculum did at the end of an epoch.
     *
     * @param type   "unlock", "stop" (a new pot did not help) or "full" (every pot open)
     * @param epoch  the epoch (1-based) after which it happened
     * @param pot    the pot opened ("unlock"), or the last pot opened ("stop", "full")
     * @param reason one sentence with the numbers that decided it
     */
    public record Event(String type, int epoch, int pot, String reason) {
        public JsonObject toJson() {
            JsonObject o = new JsonObject();
            o.addProperty("type", type);
            o.addProperty("epoch", epoch);
            o.addProperty("pot", pot);
            o.addProperty("reason", reason);
            return o;
        }
    }

    private final Config config;
    private int open;                  // pots 0..open−1 are open
    private int stage;                 // stages finished so far = unlocks so far
    private int kickLeft;              // kick epochs still to run
    private int kickStart = -1;        // 0-based epoch at which the current/last kick started
    private int stageEpochs;           // judged (post-kick) epochs of the current stage
    private int since;                 // epochs since the last improvement on ref
    private double ref = Double.NaN;   // the stage's reference value for "improves"
    private double stageMin = Double.POSITIVE_INFINITY;
    private double previousStageMin = Double.NaN;
    private boolean frozen;

    public PotCurriculum(Config config) {
        this.config = config;
        this.open = config.enabled() ? 1 : config.pots();
        this.frozen = !config.enabled() || config.pots() == 1;
    }

    public Config config() {
        return config;
    }

    /** The open pots, [K]. */
    public boolean[] active() {
        return Pots.firstOpen(config.pots(), open);
    }

    public int openCount() {
        return open;
    }

    /** True once growth has stopped (or never started). */
    public boolean frozen() {
        return frozen;
    }

    /** True when the epoch about to run (the next one) is a kick epoch. */
    public boolean inKick() {
        return kickLeft > 0;
    }

    /** The pot the current kick pushes toward (the newest pot). */
    public int kickPot() {
        return open - 1;
    }

    /**
     * How far into the kick fractional epoch t is, u in [0, 1) (t counted from 0 as the trainer
     * does); only meaningful while {@link #inKick()}.
     */
    public double kickProgress(double epoch) {
        int length = config.kick().epochs();
        double u = (epoch - kickStart) / length;
        return Math.max(0, Math.min(1, u));
    }

    /** Epochs since the last improvement (plateau counter). */
    public int sinceImprovement() {
        return since;
    }

    /** Stages finished so far (= pots unlocked). */
    public int stage() {
        return stage;
    }

    /**
     * Feeds the validation objective of the epoch just finished (1-based {@code epoch}) and, for the
     * normality trigger, whether some open pot's codes failed the test. Returns what happened, or
     * null.
     */
    public Event observe(int epoch, double objective, boolean normalityFailed) {
        if (!Double.isFinite(objective)) {
            throw new IllegalArgumentException("curriculum: validation objective " + objective + " at epoch " + epoch);
        }
        if (frozen) return null;                                                // 0. frozen
        if (kickLeft > 0) {                                                     // 1. a kick epoch
            kickLeft--;
            return null;
        }
        stageEpochs++;                                                          // 2. judge V
        stageMin = Math.min(stageMin, objective);
        if (stageEpochs == 1 || improves(objective, ref, config.minRelImprovement())) {
            ref = objective;
            since = 0;
        } else {
            since++;
        }
        boolean over = switch (config.trigger()) {                             // 3. stage over?
            case PLATEAU -> since >= config.patience();
            case NORMALITY -> stageEpochs >= config.minStageEpochs() && normalityFailed;
        };
        if (!over) return null;
        int newest = open - 1;
        if (stage > 0 && !improves(stageMin, previousStageMin, config.minGain())) {   // 4. did the pot help?
            frozen = true;
            return new Event("stop", epoch, newest, String.format(Locale.ROOT,
                    "pot %d did not help: stage best %.6g vs %.6g before it (needs %.3g%% lower)",
                    newest, stageMin, previousStageMin, 100 * config.minGain()));
        }
        if (open == config.pots()) {                                            // 5. all open
            frozen = true;
            return new Event("full", epoch, newest, String.format(Locale.ROOT,
                    "all %d pots open; stage best %.6g", open, stageMin));
        }
        String why = config.trigger() == Trigger.PLATEAU
                ? String.format(Locale.ROOT, "plateau: %d epochs without a %.3g%% improvement (best %.6g)", since,
                        100 * config.minRelImprovement(), stageMin)
                : String.format(Locale.ROOT, "normality: an open pot's codes failed after %d epochs (best %.6g)",
                        stageEpochs, stageMin);
        open++;
        stage++;
        kickLeft = config.kick().epochs();
        kickStart = epoch;                                                      // 0-based index of the next epoch
        previousStageMin = stageMin;
        stageMin = Double.POSITIVE_INFINITY;
        stageEpochs = 0;
        since = 0;
        ref = Double.NaN;
        return new Event("unlock", epoch, open - 1, why);
    }

    /** v improves on ref by at least the relative margin rel: v &lt; ref − rel·|ref|. */
    static boolean improves(double v, double ref, double rel) {
        return v < ref - rel * Math.abs(ref);
    }

    // ------------------------------------------------------------------------------------ checkpoints

    /** The whole state, for checkpoints. */
    public JsonObject saveState() {
        JsonObject o = new JsonObject();
        o.addProperty("open", open);
        o.addProperty("stage", stage);
        o.addProperty("kick_left", kickLeft);
        o.addProperty("kick_start", kickStart);
        o.addProperty("stage_epochs", stageEpochs);
        o.addProperty("since", since);
        o.addProperty("ref", Double.doubleToRawLongBits(ref));
        o.addProperty("stage_min", Double.doubleToRawLongBits(stageMin));
        o.addProperty("previous_stage_min", Double.doubleToRawLongBits(previousStageMin));
        o.addProperty("frozen", frozen);
        return o;
    }

    /** Restores what {@link #saveState()} returned. */
    public void restoreState(JsonObject o) {
        open = o.get("open").getAsInt();
        stage = o.get("stage").getAsInt();
        kickLeft = o.get("kick_left").getAsInt();
        kickStart = o.get("kick_start").getAsInt();
        stageEpochs = o.get("stage_epochs").getAsInt();
        since = o.get("since").getAsInt();
        ref = Double.longBitsToDouble(o.get("ref").getAsLong());
        stageMin = Double.longBitsToDouble(o.get("stage_min").getAsLong());
        previousStageMin = Double.longBitsToDouble(o.get("previous_stage_min").getAsLong());
        frozen = o.get("frozen").getAsBoolean();
    }
}
