package dev.kiln.optim;

import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.backend.ReferenceBackend;
import dev.kiln.nn.Param;
import dev.kiln.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The contract between the optimizers and a backend that keeps their state on a device
 * ({@link Backend#adamStepKeepingState}, {@link Backend#handBack}), checked without a device:
 * {@link KeepingBackend} keeps its own copy of every state array it steps and leaves the host's
 * array stale until it is handed back, as the opencl backend does. An optimizer that forgot to
 * take its state back (before a checkpoint, a restore or a switch of backend) would read or step
 * stale moments here, and its numbers would differ from a twin stepped on the host throughout.
 */
class KeptStateTest {

    private static final Backend HOST = ReferenceBackend.INSTANCE;

    /** A backend whose optimizer state lives in its own copies, current on the host only after handBack. */
    static final class KeepingBackend extends ReferenceBackend {
        final Map<float[], float[]> kept = new IdentityHashMap<>();   // host array → its "device" copy
        int handBacks;

        private float[] device(float[] host) { return kept.computeIfAbsent(host, float[]::clone); }

        @Override
        public void adamStepKeepingState(float[] p, float[] g, float[] m, float[] v, int n, float lr, float beta1,
                                         float beta2, float eps, float weightDecay, boolean decoupled, float bc1,
                                         float bc2) {
            adamStep(p, g, device(m), device(v), n, lr, beta1, beta2, eps, weightDecay, decoupled, bc1, bc2);
        }

        @Override
        public void sgdStepKeepingState(float[] p, float[] g, float[] buf, int n, float lr, float momentum,
                                        float weightDecay) {
            sgdStep(p, g, device(buf), n, lr, momentum, weightDecay);
        }

        @Override
        public void handBack(List<float[]> arrays) {
            handBacks++;
            for (float[] a : arrays) {
                float[] d = kept.remove(a);
                if (d != null) System.arraycopy(d, 0, a, 0, a.length);
            }
        }
    }

    /** Two parameter tensors (sizes 3 and 2) with fixed values; gradients set per step by {@link #grads}. */
    private static List<Param> params() {
        return List.of(new Param("w", Tensor.of(new float[]{0.5f, -1f, 2f}, 3)),
                new Param("b", Tensor.of(new float[]{0.25f, -0.75f}, 2)));
    }

    /** Step t's gradients: distinct per element and per step, both signs, so m and v change every step. */
    private static void grads(List<Param> ps, int t) {
        int k = 0;
        for (Param p : ps) {
            for (int i = 0; i < p.size(); i++, k++) p.grad[i] = (float) Math.sin(1.3 * k + 0.7 * t + 0.1) * (1 + t);
        }
    }

    /** Runs `steps` steps, each on the backend that `on` picks for that step number. */
    private static void run(Optimizer opt, int steps, Function<Integer, Backend> on) {
        for (int t = 0; t < steps; t++) {
            grads(opt.params(), t);
            try (Backends.Scope s = Backends.use(on.apply(t))) {
                opt.step();
            }
        }
    }

    private static List<float[]> copies(List<float[]> arrays) {
        List<float[]> out = new ArrayList<>();
        for (float[] a : arrays) out.add(a.clone());
        return out;
    }

    private static void assertSame(List<float[]> expected, List<float[]> actual, String what) {
        assertEquals(expected.size(), actual.size(), what + ": number of arrays");
        for (int i = 0; i < expected.size(); i++) assertArrayEquals(expected.get(i), actual.get(i), what + " array " + i);
    }

    private static void assertSameParams(Optimizer expected, Optimizer actual) {
        for (int i = 0; i < expected.params().size(); i++) {
            assertArrayEquals(expected.params().get(i).value.data, actual.params().get(i).value.data, "param " + i);
        }
    }

    private static List<Optimizer> twins() {
        Adam.Config c = Adam.Config.adam(0.05f);
        Sgd.Config s = new Sgd.Config(0.05f, 0.9f, 0.01f);
        return List.of(new Adam(params(), c), new Adam(params(), c), new Sgd(params(), s), new Sgd(params(), s));
    }

    @Test
    void keptStateStaysOnTheDeviceBetweenStepsAndComesBackCurrentForACheckpoint() {
        List<Optimizer> o = twins();
        for (int k = 0; k < o.size(); k += 2) {
            Optimizer onHost = o.get(k), kept = o.get(k + 1);
            KeepingBackend device = new KeepingBackend();
            run(onHost, 3, t -> HOST);
            run(kept, 3, t -> device);
            assertEquals(0, device.handBacks, kept.getClass().getSimpleName() + ": steps on one backend hand nothing back");
            int onDevice = device.kept.size();
            List<float[]> state = kept.stateArrays();
            assertEquals(state.size(), onDevice, "every state array was kept on the device");
            assertSame(onHost.stateArrays(), state, kept.getClass().getSimpleName() + " state");
            assertEquals(0, device.kept.size(), "after stateArrays the device keeps no copy");
            assertSameParams(onHost, kept);
        }
    }

    @Test
    void aSwitchOfBackendTakesTheStateBackBeforeTheOtherSteps() {
        List<Optimizer> o = twins();
        for (int k = 0; k < o.size(); k += 2) {
            Optimizer onHost = o.get(k), switched = o.get(k + 1);
            KeepingBackend device = new KeepingBackend();
            run(onHost, 5, t -> HOST);
            run(switched, 5, t -> t < 2 || t == 3 ? device : HOST);   // device, device, host, device, host
            assertSameParams(onHost, switched);
            assertSame(onHost.stateArrays(), switched.stateArrays(), switched.getClass().getSimpleName() + " state");
        }
    }

    @Test
    void aRestoreWrittenThroughStateArraysIsWhatTheNextKeptStepUses() {
        List<Optimizer> o = twins();
        for (int k = 0; k < o.size(); k += 2) {
            Optimizer onHost = o.get(k), kept = o.get(k + 1);
            KeepingBackend device = new KeepingBackend();
            run(onHost, 2, t -> HOST);
            run(kept, 2, t -> device);
            // A restore: both write the same state (a scaled copy of the host twin's) and step on.
            List<float[]> restored = copies(onHost.stateArrays());
            for (float[] a : restored) for (int i = 0; i < a.length; i++) a[i] *= 0.5f;
            List<float[]> h = onHost.stateArrays(), d = kept.stateArrays();
            for (int i = 0; i < restored.size(); i++) {
                System.arraycopy(restored.get(i), 0, h.get(i), 0, restored.get(i).length);
                System.arraycopy(restored.get(i), 0, d.get(i), 0, restored.get(i).length);
            }
            run(onHost, 2, t -> HOST);
            run(kept, 2, t -> device);
            assertSameParams(onHost, kept);
            assertSame(onHost.stateArrays(), kept.stateArrays(), kept.getClass().getSimpleName() + " state after restore");
        }
    }
}
