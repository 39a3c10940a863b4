package dev.kiln.kernels.fast;

/**
 * Whether the JDK's Vector API ({@code jdk.incubator.vector}) is in this JVM. It is an incubator
 * module in JDK 17 to 25, resolved only with {@code --add-modules jdk.incubator.vector} (the
 * {@code kiln} launcher, the pom's compiler and Surefire pass it). Without it the fast kernels
 * use their scalar loops, and the first use says so in one line on stderr.
 */
public final class Simd {
    /** True when jdk.incubator.vector is resolved in the boot layer, so {@link VectorGemm} can load. */
    public static final boolean AVAILABLE = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    static {
        if (!AVAILABLE) {
            System.err.println("kiln: the Vector API (jdk.incubator.vector) is not in this JVM; the fast backend"
                    + " uses its scalar kernels (run java with --add-modules jdk.incubator.vector)");
        }
    }

    private Simd() {}
}
