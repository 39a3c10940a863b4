package dev.kiln.backend.opencl;

import com.aparapi.device.OpenCLDevice;
import com.aparapi.internal.opencl.OpenCLLoader;
import com.aparapi.internal.opencl.OpenCLPlatform;
import dev.kiln.error.BadInputException;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What OpenCL this machine offers, as Aparapi sees it: the platforms (one per installed ICD, e.g.
 * PoCL or a GPU driver) and their devices. {@code ./kiln device} prints this; the opencl backend
 * picks its device here.
 *
 * <p>Two ways to have none: the native OpenCL loader {@code libOpenCL.so.1} is missing (Aparapi's
 * JNI library links against it), or it is there but no ICD is registered in
 * {@code /etc/OpenCL/vendors}. Both end in {@link #requireDevice} with a message that says what to
 * install; kiln never lets Aparapi's Java-thread-pool fallback stand in for OpenCL.
 */
public final class OpenClDevices {
    /** What to install, in the words of the error and of {@code ./kiln device}. */
    public static final String INSTALL_HINT = "install an OpenCL driver: a GPU vendor's ICD, or PoCL for the CPU"
            + " (apt-get install pocl-opencl-icd ocl-icd-libopencl1 clinfo), or source accel-env.sh";

    /** One device: where it lives, what it is, and how big. */
    public record DeviceInfo(int platformIndex, String platform, String platformVersion, int deviceIndex,
                             String name, String kind, int computeUnits, long globalMemBytes, long localMemBytes,
                             OpenCLDevice device) {}

    private OpenClDevices() {}

    /**
     * Aparapi warns about every untested platform version and class-file attribute it skips; a
     * kernel that fails is reported by {@link Transfers} instead. Held here so that the level sticks
     * (a logger nobody references may be collected, settings and all).
     */
    private static final Logger APARAPI_LOG = Logger.getLogger("com.aparapi");

    static {
        // Aparapi's Config sets its logger's level from com.aparapi.logLevel when it loads (WARNING
        // by default), so the quiet default has to go in as that property, before Aparapi loads.
        if (System.getProperty("com.aparapi.logLevel") == null) System.setProperty("com.aparapi.logLevel", "SEVERE");
        if (System.getProperty("java.util.logging.config.file") == null) APARAPI_LOG.setLevel(Level.SEVERE);
    }

    /** Whether Aparapi's native library and libOpenCL.so.1 could be loaded. */
    public static boolean loaderPresent() {
        try {
            return OpenCLLoader.isOpenCLAvailable();
        } catch (LinkageError e) {
            return false;
        }
    }

    /** Every device of every platform, platforms in the ICD loader's order; empty without OpenCL. */
    public static List<DeviceInfo> list() {
        List<DeviceInfo> out = new ArrayList<>();
        if (!loaderPresent()) return out;
        List<OpenCLPlatform> platforms;
        try {
            platforms = OpenCLPlatform.getUncachedOpenCLPlatforms();
        } catch (LinkageError e) {
            return out;
        }
        for (int p = 0; p < platforms.size(); p++) {
            OpenCLPlatform platform = platforms.get(p);
            List<OpenCLDevice> devices = platform.getOpenCLDevices();
            for (int d = 0; d < devices.size(); d++) {
                OpenCLDevice dev = devices.get(d);
                out.add(new DeviceInfo(p, platform.getName(), platform.getVersion(), d, dev.getName(),
                        dev.getType().name(), dev.getMaxComputeUnits(), dev.getGlobalMemSize(),
                        dev.getLocalMemSize(), dev));
            }
        }
        return out;
    }

    /**
     * The device the opencl backend runs on: the first GPU if there is one, else the first
     * accelerator, else the first CPU device (PoCL). {@code kiln.opencl.device} = "P:D" (platform
     * and device index, as {@code ./kiln device} prints them) picks one by hand.
     *
     * @throws BadInputException when there is no OpenCL device, or the requested one does not exist
     */
    public static DeviceInfo requireDevice() {
        List<DeviceInfo> all = list();
        if (all.isEmpty()) {
            String why = loaderPresent()
                    ? "the OpenCL loader found no platform (no ICD registered in /etc/OpenCL/vendors)"
                    : "the OpenCL loader libOpenCL.so.1 could not be loaded";
            throw new BadInputException("backend 'opencl' needs an OpenCL device, but " + why + "; " + INSTALL_HINT
                    + "; or choose backend 'fast' or 'reference'");
        }
        return choose(all);
    }

    /** The device {@link #requireDevice} takes from a non-empty listing. */
    public static DeviceInfo choose(List<DeviceInfo> all) {
        String wanted = System.getProperty("kiln.opencl.device");
        if (wanted != null && !wanted.isBlank()) return byIndex(all, wanted.trim());
        return preferred(all);
    }

    /** GPU before accelerator before CPU, the first of each kind in listing order. */
    static DeviceInfo preferred(List<DeviceInfo> all) {
        for (String kind : new String[] {"GPU", "ACC", "CPU"}) {
            for (DeviceInfo d : all) if (d.kind().equals(kind)) return d;
        }
        return all.get(0);
    }

    private static DeviceInfo byIndex(List<DeviceInfo> all, String spec) {
        String[] parts = spec.split(":", -1);
        if (parts.length == 2) {
            try {
                int p = Integer.parseInt(parts[0]);
                int d = Integer.parseInt(parts[1]);
                for (DeviceInfo info : all) if (info.platformIndex() == p && info.deviceIndex() == d) return info;
            } catch (NumberFormatException ignored) {
                // reported below with the allowed values
            }
        }
        StringBuilder allowed = new StringBuilder();
        for (DeviceInfo d : all) {
            allowed.append(allowed.length() == 0 ? "" : ", ").append(d.platformIndex()).append(':')
                    .append(d.deviceIndex()).append(" (").append(d.name()).append(')');
        }
        throw new BadInputException("kiln.opencl.device = '" + spec + "' names no OpenCL device; allowed: " + allowed);
    }
}
