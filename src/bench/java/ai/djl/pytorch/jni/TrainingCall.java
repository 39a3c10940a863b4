package ai.djl.pytorch.jni;

import ai.djl.pytorch.engine.PtSymbolBlock;

import java.util.Arrays;

/**
 * Runs a TorchScript method with autograd on. DJL's public {@code PtSymbolBlock.forward(IValue...)}
 * always runs in inference mode (no graph, so {@code torch.autograd.grad} fails); its native call
 * takes an is-training flag that only the NDList path sets, and that path cannot pass floats or
 * booleans. This class sits in DJL's package (bench classpath only) to pass the flag.
 */
public final class TrainingCall {
    private TrainingCall() {}

    /** block.method(inputs) with grad mode on; the caller closes the result. */
    public static IValue run(PtSymbolBlock block, String method, IValue... inputs) {
        long[] handles = Arrays.stream(inputs).mapToLong(IValue::getHandle).toArray();
        return new IValue(PyTorchLibrary.LIB.moduleRunMethod(block.getHandle(), method, handles, true, false));
    }
}
