package dev.kiln.opencl;

import dev.kiln.backend.opencl.OpenClBackend;
import dev.kiln.error.BadInputException;

/**
 * Asks for the opencl backend and prints what happens: the error message and exit 2 when there is
 * no device, "opencl on NAME" and exit 0 otherwise. {@link OpenClDevicesTest} runs it in a child
 * JVM whose OpenCL loader sees no ICD.
 */
public final class NoDeviceProbe {
    private NoDeviceProbe() {}

    public static void main(String[] args) {
        try {
            System.out.println("opencl on " + OpenClBackend.onPreferredDevice().device().name());
            System.exit(0);
        } catch (BadInputException e) {
            System.out.println(e.getMessage());
            System.exit(2);
        }
    }
}
