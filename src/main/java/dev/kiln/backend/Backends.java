package dev.kiln.backend;

import java.util.Objects;

/**
 * Which {@link Backend} the layers use. One process-wide choice, made before training starts
 * (by the CLI's {@code --backend} or the {@code kiln.backend} system property).
 */
public final class Backends {
    private static volatile Backend current = pick(System.getProperty("kiln.backend", "reference"));

    private Backends() {}

    public static Backend current() {
        return current;
    }

    public static void use(Backend backend) {
        current = Objects.requireNonNull(backend, "backend");
    }

    /** The backend of that name; the allowed names are listed in the error. */
    public static Backend pick(String name) {
        return switch (name) {
            case "reference" -> ReferenceBackend.INSTANCE;
            case "fast" -> FastCpuBackend.INSTANCE;
            default -> throw new IllegalArgumentException("unknown backend '" + name
                    + "'; allowed: reference, fast");
        };
    }
}
