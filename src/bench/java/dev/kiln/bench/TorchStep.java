package dev.kiln.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The PyTorch side of {@link KilnVsPyTorch}: one whole training step (forward, loss, backward,
 * torch's fused Adam) as a TorchScript module, written here as TorchScript source and packed into
 * the archive that {@code torch.jit.load} reads (no Python needed). Two reasons for TorchScript
 * rather than DJL's NDArray API: DJL's {@code Conv2dTranspose} throws "Not implemented" on the
 * PyTorch engine, and DJL's {@code Optimizer.adam()} is not torch's update rule; here the step
 * calls {@code aten::conv_transpose2d} and {@code aten::_fused_adam_} directly, as
 * {@code torch.optim.Adam(fused=True)} does.
 *
 * <p>{@code forward(params, m, v, steps, x, target, eps, lr, update)}: params are plain tensors;
 * the step differentiates detached copies that require grad, then (if {@code update}) runs the
 * fused Adam in place on params, m, v and steps. It returns [loss, grads...].
 */
final class TorchStep {
    private TorchStep() {}

    /** The step of an MLP VAE with sum-reduced BCE on logits: in → hidden… (ReLU) → D → …hidden (ReLU) → in. */
    static String mlp(int hiddenLayers) {
        StringBuilder body = new StringBuilder();
        body.append("    h = x\n");
        int p = 0;
        for (int l = 0; l < hiddenLayers; l++, p += 2) {
            body.append("    h = torch.relu(torch.linear(h, q[").append(p).append("], q[").append(p + 1).append("]))\n");
        }
        body.append("    mu = torch.linear(h, q[").append(p).append("], q[").append(p + 1).append("])\n");
        body.append("    lv = torch.linear(h, q[").append(p + 2).append("], q[").append(p + 3).append("])\n");
        p += 4;
        body.append("    d = torch.add(mu, torch.mul(torch.exp(torch.mul(lv, 0.5)), eps))\n");
        for (int l = 0; l < hiddenLayers; l++, p += 2) {
            body.append("    d = torch.relu(torch.linear(d, q[").append(p).append("], q[").append(p + 1).append("]))\n");
        }
        body.append("    logits = torch.linear(d, q[").append(p).append("], q[").append(p + 1).append("])\n");
        body.append("    rec = torch.binary_cross_entropy_with_logits(logits, x, None, None, 2)\n");
        return module(body.toString());
    }

    /** The step of the ARC conv VAE ({@code Architectures.arcConv}) with sum-reduced cross-entropy per cell. */
    static String arcConv(int c2) {
        String body = ""
                + "    h = torch.leaky_relu(torch.conv2d(x, q[0], q[1], [2, 2], [1, 1], [1, 1], 1), 0.01)\n"
                + "    h = torch.leaky_relu(torch.conv2d(h, q[2], q[3], [2, 2], [1, 1], [1, 1], 1), 0.01)\n"
                + "    h = torch.flatten(h, 1, -1)\n"
                + "    h = torch.leaky_relu(torch.linear(h, q[4], q[5]), 0.01)\n"
                + "    mu = torch.linear(h, q[6], q[7])\n"
                + "    lv = torch.linear(h, q[8], q[9])\n"
                + "    d = torch.add(mu, torch.mul(torch.exp(torch.mul(lv, 0.5)), eps))\n"
                + "    d = torch.leaky_relu(torch.linear(d, q[10], q[11]), 0.01)\n"
                + "    d = torch.leaky_relu(torch.linear(d, q[12], q[13]), 0.01)\n"
                + "    d = torch.reshape(d, [-1, " + c2 + ", 8, 8])\n"
                + "    d = torch.leaky_relu(torch.conv_transpose2d(d, q[14], q[15], [2, 2], [1, 1], [0, 0], 1, [1, 1]), 0.01)\n"
                + "    logits = torch.conv_transpose2d(d, q[16], q[17], [2, 2], [1, 1], [1, 1], 1, [1, 1])\n"
                + "    rec = torch.cross_entropy_loss(logits, target, None, 2, -100, 0.)\n";
        return module(body);
    }

    /** Wraps a forward body (x, target, eps → rec, mu, lv) into the module with loss, grad and Adam. */
    private static String module(String body) {
        return ""
                + "class Step(Module):\n"
                + "  __parameters__ = []\n"
                + "  __buffers__ = []\n"
                + "  training : bool\n"
                + "  def forward(self: __torch__.Step,\n"
                + "    params: List[Tensor],\n"
                + "    m: List[Tensor],\n"
                + "    v: List[Tensor],\n"
                + "    steps: List[Tensor],\n"
                + "    x: Tensor,\n"
                + "    target: Tensor,\n"
                + "    eps: Tensor,\n"
                + "    lr: float,\n"
                + "    update: bool) -> List[Tensor]:\n"
                + "    q = annotate(List[Tensor], [])\n"
                + "    for p in params:\n"
                + "      q.append(torch.requires_grad_(torch.detach(p)))\n"
                + body
                + "    kl = torch.mul(torch.sum(torch.sub(torch.sub(torch.add(lv, 1.), torch.mul(mu, mu)), torch.exp(lv))), -0.5)\n"
                + "    batch = torch.size(x, 0)\n"
                + "    loss = torch.div(torch.add(rec, kl), batch)\n"
                + "    gs = torch.autograd.grad([loss], q)\n"
                + "    out = annotate(List[Tensor], [torch.detach(loss)])\n"
                + "    grads = annotate(List[Tensor], [])\n"
                + "    for g in gs:\n"
                + "      grads.append(unchecked_cast(Tensor, g))\n"
                + "      out.append(unchecked_cast(Tensor, g))\n"
                + "    if update:\n"
                + "      torch._foreach_add_(steps, 1)\n"
                + "      torch._fused_adam_(params, grads, m, v, annotate(List[Tensor], []), steps, lr=lr, beta1=0.9,"
                + " beta2=0.999, weight_decay=0., eps=1e-08, amsgrad=False, maximize=False)\n"
                + "    return out\n";
    }

    /** Writes the TorchScript archive of {@code code} (a module class named Step) to {@code file}. */
    static void writeArchive(String code, Path file) throws IOException {
        // data.pkl: pickle protocol 2 of a Step object whose state is {'training': False}.
        byte[] training = "training".getBytes(StandardCharsets.US_ASCII);
        java.io.ByteArrayOutputStream data = new java.io.ByteArrayOutputStream();
        data.write(new byte[] {(byte) 0x80, 2});                          // PROTO 2
        data.write("c__torch__\nStep\n".getBytes(StandardCharsets.US_ASCII)); // GLOBAL __torch__.Step
        data.write(')');                                                    // EMPTY_TUPLE
        data.write(0x81);                                                   // NEWOBJ
        data.write('}');                                                    // EMPTY_DICT
        data.write('X');                                                    // BINUNICODE "training"
        data.write(new byte[] {(byte) training.length, 0, 0, 0});
        data.write(training);
        data.write(0x89);                                                   // NEWFALSE
        data.write('s');                                                    // SETITEM
        data.write('b');                                                    // BUILD
        data.write('.');                                                    // STOP
        byte[] constants = {(byte) 0x80, 2, ')', '.'};                      // an empty tuple
        try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
            stored(zip, "step/data.pkl", data.toByteArray());
            stored(zip, "step/code/__torch__.py", code.getBytes(StandardCharsets.UTF_8));
            stored(zip, "step/constants.pkl", constants);
            stored(zip, "step/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        }
    }

    private static void stored(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(bytes.length);
        CRC32 crc = new CRC32();
        crc.update(bytes);
        e.setCrc(crc.getValue());
        zip.putNextEntry(e);
        zip.write(bytes);
        zip.closeEntry();
    }
}
