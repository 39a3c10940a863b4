package dev.kiln.mixture;

/** The routing modes of {@link Routing}, by their config names. */
public enum RoutingMode {
    /** w = softmax_A(ỹ/τ), deterministic. */
    SOFTMAX("softmax"),
    /** w = softmax_A((ỹ + g)/τ), Gumbel noise g: a relaxed sample. */
    GUMBEL("gumbel"),
    /** One-hot argmax_A(ỹ + g) forward, the Gumbel-softmax gradient backward. */
    STRAIGHT_THROUGH("straight_through");

    private final String configName;

    RoutingMode(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    /** The config names, "softmax, gumbel, straight_through". */
    public static String[] configNames() {
        RoutingMode[] all = values();
        String[] out = new String[all.length];
        for (int i = 0; i < all.length; i++) out[i] = all[i].configName;
        return out;
    }

    /** The mode of that config name. */
    public static RoutingMode parse(String name) {
        for (RoutingMode m : values()) if (m.configName.equals(name)) return m;
        throw new IllegalArgumentException("routing: unknown mode '" + name + "'; allowed: "
                + String.join(", ", configNames()));
    }
}
