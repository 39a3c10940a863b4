package dev.kiln.opencl;

import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.backend.ReferenceBackend;
import dev.kiln.backend.opencl.OpenClBackend;
import dev.kiln.backend.opencl.Transfers;
import dev.kiln.nn.Param;
import dev.kiln.optim.Adam;
import dev.kiln.optim.Optimizer;
import dev.kiln.optim.Sgd;
import dev.kiln.rand.Rng;
import dev.kiln.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The optimizer state kept on the device between steps ({@code adamStepKeepingState},
 * {@code sgdStepKeepingState}, {@code handBack}): the steps stay bit-identical to the reference,
 * the state goes up only on a tensor's first step and after it was handed back, and every way the
 * host reaches the state (stateArrays, a backend switch) hands it back first.
 *
 * <p>The byte counts are the test of the bookkeeping. On PoCL the device's buffers are the host's
 * memory (CL_MEM_USE_HOST_PTR), so a missed upload would not show in the values here; on a
 * discrete GPU it would step stale moments. The ledger counts what was sent, on any device.
 */
class OpenClKeptStateTest {
    private static final Backend REF = ReferenceBackend.INSTANCE;
    private static OpenClBackend device;

    @BeforeAll
    static void device() {
        device = OpenClTesting.backend();
    }

    private static float[] gaussian(Rng rng, int n, float scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) rng.nextGaussian() * scale;
        return a;
    }

    private static float bc(float beta, int step) {
        return (float) (1 - Math.pow(beta, step));
    }

    @Test
    void keptAdamStepsAreBitIdenticalToTheReferenceAcrossStepsAndAHostWrite() {
        Rng rng = new Rng(5);
        for (int n : new int[] {1, 37, 1000}) {
            for (boolean decoupled : new boolean[] {false, true}) {
                float[] p = gaussian(rng, n, 1f), m = new float[n], v = new float[n];
                float[] rp = p.clone(), rm = m.clone(), rv = v.clone();
                for (int step = 1; step <= 6; step++) {
                    float[] g = gaussian(rng, n, 1f);                 // a new gradient every step, as in training
                    if (step == 4) {                                  // a restore: the host writes m and v
                        device.handBack(List.of(m, v));
                        for (int i = 0; i < n; i++) {
                            m[i] = rm[i] = 0.5f * i;
                            v[i] = rv[i] = 0.25f + i;
                        }
                    }
                    device.adamStepKeepingState(p, g, m, v, n, 1e-2f, 0.9f, 0.999f, 1e-8f, 0.01f, decoupled,
                            bc(0.9f, step), bc(0.999f, step));
                    REF.adamStep(rp, g, rm, rv, n, 1e-2f, 0.9f, 0.999f, 1e-8f, 0.01f, decoupled,
                            bc(0.9f, step), bc(0.999f, step));
                    String where = "n=" + n + " decoupled=" + decoupled + " step " + step;
                    assertArrayEquals(rp, p, "p " + where);
                    device.handBack(List.of(m, v));                   // the host may read them now
                    assertArrayEquals(rm, m, "m " + where);
                    assertArrayEquals(rv, v, "v " + where);
                }
            }
        }
    }

    @Test
    void keptSgdStepsAreBitIdenticalToTheReference() {
        Rng rng = new Rng(6);
        int n = 333;
        float[] p = gaussian(rng, n, 1f), buf = new float[n];
        float[] rp = p.clone(), rbuf = buf.clone();
        for (int step = 1; step <= 5; step++) {
            float[] g = gaussian(rng, n, 1f);
            device.sgdStepKeepingState(p, g, buf, n, 0.05f, 0.9f, 0.01f);
            REF.sgdStep(rp, g, rbuf, n, 0.05f, 0.9f, 0.01f);
            assertArrayEquals(rp, p, "p step " + step);
            assertArrayEquals(rbuf, buf, "buf step " + step);
        }
    }

    /** Bytes up and down of one call. */
    private record Moved(long up, long down) {}

    private static Moved moved(Runnable call) {
        Transfers t = device.transfers();
        long up = t.bytesToDevice(), down = t.bytesToHost();
        call.run();
        return new Moved(t.bytesToDevice() - up, t.bytesToHost() - down);
    }

    @Test
    void theMomentsGoUpOnTheFirstStepAndAfterAHandBackOnly() {
        int n = 1000;
        long bytes = 4L * n;
        float[] p = new float[n], g = new float[n], m = new float[n], v = new float[n];
        Runnable step = () -> device.adamStepKeepingState(p, g, m, v, n, 1e-3f, 0.9f, 0.999f, 1e-8f, 0f, false,
                0.1f, 0.001f);
        assertEquals(new Moved(4 * bytes, 3 * bytes), moved(step), "first step: g, p, m, v up; p, m, v down");
        assertEquals(new Moved(2 * bytes, 3 * bytes), moved(step), "next step: g, p up only");
        device.handBack(List.of(new float[n]));                       // another array: m and v stay
        assertEquals(new Moved(2 * bytes, 3 * bytes), moved(step), "a hand-back of other arrays changes nothing");
        device.handBack(List.of(v));                                  // either moment marks the pair stale
        assertEquals(new Moved(4 * bytes, 3 * bytes), moved(step), "after handBack(v): m and v up again");
        assertEquals(new Moved(2 * bytes, 3 * bytes), moved(step));
        float[] otherV = new float[n];
        Runnable withOtherV = () -> device.adamStepKeepingState(p, g, m, otherV, n, 1e-3f, 0.9f, 0.999f, 1e-8f, 0f,
                false, 0.1f, 0.001f);
        assertEquals(new Moved(4 * bytes, 3 * bytes), moved(withOtherV), "m with another v: both up");
        Runnable plain = () -> device.adamStep(p, g, m, v, n, 1e-3f, 0.9f, 0.999f, 1e-8f, 0f, false, 0.1f, 0.001f);
        assertEquals(new Moved(4 * bytes, 3 * bytes), moved(plain), "the plain adamStep keeps nothing");
    }

    private static List<Param> params(int... sizes) {
        Rng rng = new Rng(7);
        Param[] out = new Param[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
            Tensor t = Tensor.zeros(sizes[i]);
            for (int j = 0; j < sizes[i]; j++) t.data[j] = (float) rng.nextGaussian();
            out[i] = new Param("p" + i, t);
        }
        return List.of(out);
    }

    private static void fillGrads(List<Param> params, int step) {
        for (Param p : params) {
            for (int j = 0; j < p.size(); j++) p.grad[j] = (float) Math.sin(step * 0.7 + j * 0.3 + p.size());
        }
    }

    private static void steps(Optimizer o, Backend b, int from, int to) {
        try (Backends.Scope scope = Backends.use(b)) {
            for (int s = from; s <= to; s++) {
                fillGrads(o.params(), s);
                o.step();
            }
        }
    }

    @Test
    void adamOnOpenClWithACheckpointAndABackendSwitchEndsWhereTheReferenceEnds() {
        List<Param> onDevice = params(64, 7), onHost = params(64, 7);
        Adam a = new Adam(onDevice, Adam.Config.adamW(1e-2f, 0.01f));
        Adam r = new Adam(onHost, Adam.Config.adamW(1e-2f, 0.01f));
        steps(a, device, 1, 3);
        long upBefore = device.transfers().bytesToDevice();
        List<float[]> state = a.stateArrays();                       // a checkpoint: read, then write back
        List<float[]> refState = r.stateArrays();
        steps(r, REF, 1, 3);
        for (int i = 0; i < state.size(); i++) assertArrayEquals(refState.get(i), state.get(i), "state " + i);
        for (float[] s : state) s[0] += 1f;                          // a restore writes the host arrays
        for (float[] s : refState) s[0] += 1f;
        steps(a, device, 4, 4);
        long up = device.transfers().bytesToDevice() - upBefore;
        assertEquals(4L * 4 * (64 + 7), up, "after stateArrays() the step uploads g, p, m and v of both tensors");
        steps(r, REF, 4, 6);
        steps(a, REF, 5, 6);                                         // a switch to another backend
        for (float[] s : a.stateArrays()) s[1] *= 0.5f;              // ... whose host writes the device must see
        for (float[] s : r.stateArrays()) s[1] *= 0.5f;
        steps(a, device, 7, 8);
        steps(r, REF, 7, 8);
        for (int i = 0; i < 2; i++) {
            assertArrayEquals(onHost.get(i).value.data, onDevice.get(i).value.data, "param " + i);
            for (float x : onDevice.get(i).value.data) assertTrue(Float.isFinite(x), "param " + i + " finite");
        }
        List<float[]> end = a.stateArrays(), refEnd = r.stateArrays();
        for (int i = 0; i < end.size(); i++) assertArrayEquals(refEnd.get(i), end.get(i), "state " + i);
    }

    @Test
    void aBackendSwitchHandsTheStateBackBeforeTheOtherBackendSteps() {
        List<Param> ps = params(50);
        Adam a = new Adam(ps, Adam.Config.adam(1e-2f));
        steps(a, device, 1, 2);
        steps(a, REF, 3, 3);                                         // the host steps m and v
        long upBefore = device.transfers().bytesToDevice();
        steps(a, device, 4, 4);
        assertEquals(4L * 4 * 50, device.transfers().bytesToDevice() - upBefore,
                "back on opencl, m and v go up again: the device's copies are older than the host's");
        Sgd s = new Sgd(params(40), new Sgd.Config(0.1f, 0.9f, 0f));
        steps(s, device, 1, 1);
        upBefore = device.transfers().bytesToDevice();
        steps(s, device, 2, 2);
        assertEquals(4L * (40 + 40 + 1 * 0), device.transfers().bytesToDevice() - upBefore, "SGD keeps buf too");
        s.stateArrays();
        upBefore = device.transfers().bytesToDevice();
        steps(s, device, 3, 3);
        assertEquals(4L * (40 + 40 + 40 + 1), device.transfers().bytesToDevice() - upBefore,
                "after stateArrays() buf (and the 1-element v dummy) go up again");
    }
}
