package dev.kiln.bench;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.pytorch.jni.TrainingCall;

import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * PyTorch's side of {@link KilnVsPyTorch}: the {@link TorchStep} TorchScript module, run through
 * DJL's PyTorch engine on the weights, batch and ε that the kiln child wrote.
 */
final class TorchSide implements KilnVsPyTorch.Side {
    private final int batch;
    private final Path dir;
    private final PtNDManager manager;
    private final PtSymbolBlock module;
    private PtNDArray[] params, m, v, steps;
    private PtNDArray x, target, eps0;

    TorchSide(String key, int batch, int threads, Path dir) throws IOException {
        this.batch = batch;
        this.dir = dir;
        ai.djl.engine.Engine.getEngine("PyTorch");                      // loads libtorch before the first JNI call
        JniUtils.setNumInteropThreads(1);
        JniUtils.setNumThreads(threads);
        manager = (PtNDManager) NDManager.newBaseManager();
        Path archive = dir.resolve("step.pt");
        TorchStep.writeArchive(switch (key) {
            case "mlp400" -> TorchStep.mlp(1);
            case "mlp512" -> TorchStep.mlp(2);
            case "arc" -> TorchStep.arcConv(64);
            default -> throw new IllegalArgumentException("unknown model " + key);
        }, archive);
        module = JniUtils.loadModule(manager, archive, false, new String[0], new String[0], false);
        JniUtils.enableTrainingMode(module);
        JniUtils.setGradMode(true);                                         // the step differentiates
    }

    @Override
    public void init() throws IOException {
        try (DataInputStream in = new DataInputStream(Files.newInputStream(dir.resolve("model.bin")))) {
            int count = in.readInt();
            params = new PtNDArray[count];
            m = new PtNDArray[count];
            v = new PtNDArray[count];
            steps = new PtNDArray[count];
            for (int p = 0; p < count; p++) {
                long[] shape = new long[in.readInt()];
                for (int d = 0; d < shape.length; d++) shape[d] = in.readInt();
                params[p] = (PtNDArray) manager.create(KilnVsPyTorch.readFloats(in), new Shape(shape));
                m[p] = (PtNDArray) manager.zeros(new Shape(shape));
                v[p] = (PtNDArray) manager.zeros(new Shape(shape));
                steps[p] = (PtNDArray) manager.create(0f);
            }
            float[] xs = KilnVsPyTorch.readFloats(in);
            int targets = in.readInt();
            if (targets > 0) {
                long[] t = new long[targets];
                for (int i = 0; i < targets; i++) t[i] = in.readInt();
                x = (PtNDArray) manager.create(xs, new Shape(batch, 10, 30, 30));
                target = (PtNDArray) manager.create(t, new Shape(batch, 30, 30));
            } else {
                x = (PtNDArray) manager.create(xs, new Shape(batch, xs.length / batch));
                target = (PtNDArray) manager.zeros(new Shape(1), DataType.INT64);
            }
        }
        double[] losses = new double[KilnVsPyTorch.REPLAY_STEPS];
        List<float[]> grads = new ArrayList<>();
        try (DataInputStream in = new DataInputStream(Files.newInputStream(dir.resolve("eps.bin")))) {
            for (int s = 0; s < losses.length; s++) {
                float[] e = KilnVsPyTorch.readFloats(in);
                PtNDArray eps = (PtNDArray) manager.create(e, new Shape(batch, e.length / batch));
                if (s == 0) eps0 = eps;
                try (PtNDManager sub = (PtNDManager) manager.newSubManager()) {
                    PtNDArray[] out = call(eps, sub);
                    losses[s] = out[0].toFloatArray()[0];
                    if (s == 0) for (int p = 1; p < out.length; p++) grads.add(out[p].toFloatArray());
                }
            }
        }
        new KilnVsPyTorch.Replay(losses, grads).write(dir.resolve("torch-replay.bin"));
    }

    @Override
    public void step() {
        try (PtNDManager sub = (PtNDManager) manager.newSubManager()) {
            call(eps0, sub);
        }
    }

    /** One step with Adam; returns [loss, grads...] (the gradients before the update), owned by sub. */
    private PtNDArray[] call(PtNDArray eps, PtNDManager sub) {
        IValue[] in = {IValue.listFrom(params), IValue.listFrom(m), IValue.listFrom(v), IValue.listFrom(steps),
                IValue.from(x), IValue.from(target), IValue.from(eps), IValue.from((double) KilnVsPyTorch.LR),
                IValue.from(true)};
        IValue result = TrainingCall.run(module, "forward", in);
        try {
            return result.toTensorArray(sub);
        } finally {
            result.close();
            for (IValue i : in) i.close();
        }
    }
}
