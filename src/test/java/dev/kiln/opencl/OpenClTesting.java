package dev.kiln.opencl;

import dev.kiln.backend.opencl.OpenClBackend;
import dev.kiln.backend.opencl.OpenClDevices;
import org.junit.jupiter.api.Assumptions;

/**
 * The opencl backend for tests, or a skip with a message when this machine has no OpenCL device.
 * With {@code KILN_REQUIRE_OPENCL=1} in the environment (CI) a missing device fails instead, so
 * the differential tests cannot silently stop running.
 */
public final class OpenClTesting {
    private OpenClTesting() {}

    /** The backend on the preferred device (one per JVM: its kernels compile once for all tests). */
    public static OpenClBackend backend() {
        boolean present = !OpenClDevices.list().isEmpty();
        if (!present && "1".equals(System.getenv("KILN_REQUIRE_OPENCL"))) {
            throw new AssertionError("KILN_REQUIRE_OPENCL=1 but no OpenCL device: " + OpenClDevices.INSTALL_HINT);
        }
        Assumptions.assumeTrue(present, "no OpenCL device, OpenCL tests skipped: " + OpenClDevices.INSTALL_HINT);
        return OpenClBackend.onPreferredDevice();
    }
}
