package dev.kiln.anneal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds any annealing from a type name and a parameter map, the way a JSON config names it:
 * <pre>
 *   {"type": "ultra_conservative", "warmup_epochs": 20, "ramp_epochs": 60, "max_beta": 0.1}
 *   {"type": "staged", "stages": [[0, 0], [2, 0.5], [4, 2.0], [8, 4.0]]}
 *   {"type": "adaptive", "set_point": 0.05, "beta_max": 0.5}
 * </pre>
 * Every error (unknown type, unknown parameter, missing or out-of-range value) is an
 * {@link IllegalArgumentException} whose message starts with the type and names the parameter and
 * the allowed values.
 */
public final class Annealings {
    private Annealings() {}

    /** The parameters of each type, in the order the docs list them. */
    public static final Map<String, List<String>> PARAMETERS = parameters();

    /** Types that are pure functions of time and can be tabulated or plotted. */
    public static final List<String> TIME_SCHEDULES = List.of(ConstantSchedule.NAME, LinearWarmup.NAME,
            UltraConservative.NAME, CyclicalSchedule.NAME, StagedSchedule.NAME, "factory", SigmoidRamp.NAME,
            CosineRamp.NAME);

    /** Types driven by measured metrics; they hold state ({@link BetaController}). */
    public static final List<String> CONTROLLERS = List.of(PiBetaController.NAME, GecoController.NAME);

    private static Map<String, List<String>> parameters() {
        Map<String, List<String>> p = new LinkedHashMap<>();
        p.put(ConstantSchedule.NAME, List.of("beta"));
        p.put(LinearWarmup.NAME, List.of("warmup_epochs", "max_beta"));
        p.put(UltraConservative.NAME, List.of("warmup_epochs", "ramp_epochs", "max_beta"));
        p.put(CyclicalSchedule.NAME, List.of("total_epochs", "cycles", "ratio", "max_beta", "shape"));
        p.put(StagedSchedule.NAME, List.of("stages", "interpolate"));
        p.put("factory", List.of());
        p.put(SigmoidRamp.NAME, List.of("warmup_epochs", "ramp_epochs", "max_beta", "steepness"));
        p.put(CosineRamp.NAME, List.of("warmup_epochs", "ramp_epochs", "max_beta"));
        p.put(CapacityAnnealing.NAME, List.of("ramp_epochs", "max_capacity", "gamma"));
        p.put(PiBetaController.NAME, List.of("set_point", "kp", "ki", "beta_min", "beta_max", "beta_init"));
        p.put(GecoController.NAME, List.of("target", "rate", "smoothing", "beta_min", "beta_max", "beta_init"));
        return java.util.Collections.unmodifiableMap(p);
    }

    /** "constant, linear_warmup, …, geco". */
    public static String allowedTypes() {
        return String.join(", ", PARAMETERS.keySet());
    }

    /** Any annealing: a time schedule, capacity annealing, or a metric-driven controller. */
    public static Annealing create(String type, Map<String, ?> params) {
        List<String> allowed = type == null ? null : PARAMETERS.get(type);
        if (allowed == null) {
            throw new IllegalArgumentException("unknown schedule type '" + type + "'; allowed: " + allowedTypes());
        }
        Params p = new Params(type, params, allowed);
        try {
            return build(type, p);
        } catch (IllegalArgumentException e) {
            String m = e.getMessage();
            throw new IllegalArgumentException(m.startsWith(type + ":") ? m : type + ": " + m, e);
        }
    }

    /** A time schedule only; controllers and capacity annealing are refused with the reason. */
    public static BetaSchedule schedule(String type, Map<String, ?> params) {
        Annealing a = create(type, params);
        if (a instanceof BetaSchedule s) return s;
        throw new IllegalArgumentException(type + " is not a function of time alone ("
                + (a instanceof BetaController ? "it is driven by measured metrics" : "it sets a KL target, not β")
                + "); time schedules are: " + String.join(", ", TIME_SCHEDULES));
    }

    private static Annealing build(String type, Params p) {
        return switch (type) {
            case ConstantSchedule.NAME -> new ConstantSchedule(p.required("beta", "the constant β, ≥ 0"));
            case LinearWarmup.NAME -> new LinearWarmup(
                    p.required("warmup_epochs", "epochs of linear rise, ≥ 0"),
                    p.required("max_beta", "β after the warm-up, ≥ 0"));
            case UltraConservative.NAME -> new UltraConservative(
                    p.number("warmup_epochs", UltraConservative.DEFAULT_WARMUP_EPOCHS),
                    p.number("ramp_epochs", UltraConservative.DEFAULT_RAMP_EPOCHS),
                    p.number("max_beta", UltraConservative.DEFAULT_MAX_BETA));
            case CyclicalSchedule.NAME -> new CyclicalSchedule(
                    p.required("total_epochs", "the planned training length in epochs, > 0"),
                    p.integer("cycles", 4),
                    p.number("ratio", 0.5),
                    p.number("max_beta", 1.0),
                    RampShape.parse("shape", p.string("shape", RampShape.LINEAR.configName())));
            case StagedSchedule.NAME -> new StagedSchedule(stages(p.raw("stages")), p.bool("interpolate", false));
            case "factory" -> StagedSchedule.factory();
            case SigmoidRamp.NAME -> new SigmoidRamp(
                    p.number("warmup_epochs", 0),
                    p.required("ramp_epochs", "epochs of the S-shaped rise, > 0"),
                    p.number("max_beta", 1.0),
                    p.number("steepness", RampShape.DEFAULT_STEEPNESS));
            case CosineRamp.NAME -> new CosineRamp(
                    p.number("warmup_epochs", 0),
                    p.required("ramp_epochs", "epochs of the half-cosine rise, > 0"),
                    p.number("max_beta", 1.0));
            case CapacityAnnealing.NAME -> new CapacityAnnealing(
                    p.required("ramp_epochs", "epochs for the target KL to reach max_capacity, > 0"),
                    p.number("max_capacity", CapacityAnnealing.DEFAULT_MAX_CAPACITY),
                    p.number("gamma", CapacityAnnealing.DEFAULT_GAMMA));
            case PiBetaController.NAME -> {
                double betaMin = p.number("beta_min", PiBetaController.Config.DEFAULT_BETA_MIN);
                yield new PiBetaController(new PiBetaController.Config(
                        p.required("set_point", "the KL to hold, nats per latent dimension, ≥ 0"),
                        p.number("kp", PiBetaController.Config.DEFAULT_KP),
                        p.number("ki", PiBetaController.Config.DEFAULT_KI),
                        betaMin,
                        p.number("beta_max", PiBetaController.Config.DEFAULT_BETA_MAX),
                        p.number("beta_init", betaMin)));
            }
            case GecoController.NAME -> new GecoController(new GecoController.Config(
                    p.required("target", "the reconstruction loss to reach, in the unit of the measured loss"),
                    p.number("rate", GecoController.Config.DEFAULT_RATE),
                    p.number("smoothing", GecoController.Config.DEFAULT_SMOOTHING),
                    p.number("beta_min", GecoController.Config.DEFAULT_BETA_MIN),
                    p.number("beta_max", GecoController.Config.DEFAULT_BETA_MAX),
                    p.number("beta_init", GecoController.Config.DEFAULT_BETA_INIT)));
            default -> throw new IllegalStateException("type listed in PARAMETERS but not built: " + type);
        };
    }

    /**
     * Stages as a string {@code "0:0,2:0.5,4:2,8:4"} (start_epoch:beta pairs), or a list of
     * two-element lists {@code [[0, 0], [2, 0.5]]}, or a list of objects
     * {@code [{"start_epoch": 0, "beta": 0}]}.
     */
    static List<StagedSchedule.Stage> stages(Object raw) {
        String expected = "stages must be \"start:beta,...\" (e.g. \"0:0,2:0.5,4:2,8:4\") or a list of "
                + "[start_epoch, beta] pairs";
        if (raw == null) throw new IllegalArgumentException("parameter 'stages' is required; " + expected);
        List<StagedSchedule.Stage> out = new ArrayList<>();
        if (raw instanceof List<?> list) {
            for (Object item : list) {
                if (item instanceof List<?> pair && pair.size() == 2) {
                    out.add(new StagedSchedule.Stage(toDouble(pair.get(0), expected), toDouble(pair.get(1), expected)));
                } else if (item instanceof Map<?, ?> m && m.containsKey("start_epoch") && m.containsKey("beta")) {
                    out.add(new StagedSchedule.Stage(toDouble(m.get("start_epoch"), expected),
                            toDouble(m.get("beta"), expected)));
                } else {
                    throw new IllegalArgumentException(expected + "; got element " + item);
                }
            }
        } else {
            for (String part : raw.toString().split(",")) {
                String[] kv = part.trim().split(":");
                if (kv.length != 2) throw new IllegalArgumentException(expected + "; got '" + part.trim() + "'");
                out.add(new StagedSchedule.Stage(toDouble(kv[0], expected), toDouble(kv[1], expected)));
            }
        }
        return out;
    }

    private static double toDouble(Object v, String expected) {
        try {
            double d = v instanceof Number n ? n.doubleValue() : Double.parseDouble(v.toString().trim());
            if (!Double.isFinite(d)) throw new NumberFormatException();
            return d;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(expected + "; '" + v + "' is not a finite number");
        }
    }
}
