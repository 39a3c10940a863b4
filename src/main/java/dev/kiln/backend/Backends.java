package dev.kiln.backend;

import java.util.Objects;

/**
 * Which {@link Backend} the layers, losses and optimizers of the current thread use.
 *
 * <p>There is one default, {@link #DEFAULT} ("fast"), shared by the configs (a config without a
 * {@code "backend"} key), the CLI and code that runs outside any run (tests, the lesson's small
 * loops). A run chooses its backend for its own thread only, and gives it back when it ends:
 * <pre>
 *   try (Backends.Scope scope = Backends.use(Backends.pick(cfg.backend()))) {
 *       ... every Backends.current() on this thread returns that backend ...
 *   }   // the thread's previous choice is back, even after an exception
 * </pre>
 * so runs in several threads of one JVM (a sweep) never see each other's choice, and nothing is
 * left behind for the next run. Scopes nest; each restores exactly what it replaced. Kernels that
 * fan work out to a thread pool take the backend as an object, never from here.
 */
public final class Backends {
    /** The backend name used when none is given, everywhere. */
    public static final String DEFAULT = "fast";
    /** Every name {@link #pick} knows, for error messages and config validation. */
    public static final String[] NAMES = {"reference", "fast", "opencl"};

    private static final Backend FALLBACK = pick(DEFAULT);
    private static final ThreadLocal<Backend> CHOSEN = new ThreadLocal<>();   // null: none chosen on this thread

    private Backends() {}

    /** The backend chosen on this thread by the innermost open {@link Scope}, else the default. */
    public static Backend current() {
        Backend b = CHOSEN.get();
        return b == null ? FALLBACK : b;
    }

    /** Uses {@code backend} on this thread until the returned scope is closed. */
    public static Scope use(Backend backend) {
        Objects.requireNonNull(backend, "backend");
        Scope scope = new Scope(CHOSEN.get());
        CHOSEN.set(backend);
        return scope;
    }

    /** The backend of that name; the allowed names are listed in the error. */
    public static Backend pick(String name) {
        return switch (name) {
            case "reference" -> ReferenceBackend.INSTANCE;
            case "fast" -> FastCpuBackend.INSTANCE;
            case "opencl" -> dev.kiln.backend.opencl.OpenClBackend.onPreferredDevice();   // no device: BadInputException
            default -> throw new IllegalArgumentException("unknown backend '" + name
                    + "'; allowed: " + String.join(", ", NAMES));
        };
    }

    /** Restores the thread's previous choice when closed. */
    public static final class Scope implements AutoCloseable {
        private final Backend previous;   // null: none was chosen

        private Scope(Backend previous) {
            this.previous = previous;
        }

        @Override
        public void close() {
            if (previous == null) CHOSEN.remove();
            else CHOSEN.set(previous);
        }
    }
}
