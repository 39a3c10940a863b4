package dev.kiln.model;

import dev.kiln.nn.Conv2d;
import dev.kiln.nn.ConvTranspose2d;
import dev.kiln.nn.Flatten;
import dev.kiln.nn.LeakyReLU;
import dev.kiln.nn.Layer;
import dev.kiln.nn.Linear;
import dev.kiln.nn.ReLU;
import dev.kiln.nn.Reshape;
import dev.kiln.nn.Sequential;
import dev.kiln.rand.Rng;

import java.util.ArrayList;
import java.util.List;

/** The VAEs kiln trains, built from the layer library. */
public final class Architectures {
    private Architectures() {}

    /** Side of a padded ARC grid, and its number of colours. */
    public static final int ARC_SIDE = 30, ARC_COLOURS = 10;

    /**
     * The convolutional VAE for padded ARC grids, one-hot in, per-cell colour logits out.
     * <pre>
     *   x  [B, 10, 30, 30] one-hot
     *   Conv2d(10→c1, k3, s2, p1) + LeakyReLU   → [B, c1, 15, 15]
     *   Conv2d(c1→c2, k3, s2, p1) + LeakyReLU   → [B, c2, 8, 8]
     *   Flatten, Linear(c2·64→hidden) + LeakyReLU → h [B, hidden]
     *   heads: mu, logVar [B, D]
     *   Linear(D→hidden) + LeakyReLU, Linear(hidden→c2·64) + LeakyReLU, Reshape [c2, 8, 8]
     *   ConvTranspose2d(c2→c1, k3, s2, p1, op0) + LeakyReLU → [B, c1, 15, 15]   (8−1)·2 − 2 + 3 = 15
     *   ConvTranspose2d(c1→10, k3, s2, p1, op1)            → [B, 10, 30, 30]   (15−1)·2 − 2 + 3 + 1 = 30
     * </pre>
     * LeakyReLU (slope 0.01) rather than ReLU keeps a gradient on every unit, so no unit of the
     * encoder can die while β pushes the posterior towards the prior.
     */
    public static Vae arcConv(int c1, int c2, int hidden, int latent, Rng rng) {
        float slope = 0.01f;
        int flat = c2 * 8 * 8;
        Layer encoder = new Sequential(
                new Conv2d(ARC_COLOURS, c1, 3, 2, 1, rng), new LeakyReLU(slope),
                new Conv2d(c1, c2, 3, 2, 1, rng), new LeakyReLU(slope),
                new Flatten(),
                new Linear(flat, hidden, rng), new LeakyReLU(slope));
        Layer decoder = new Sequential(
                new Linear(latent, hidden, rng), new LeakyReLU(slope),
                new Linear(hidden, flat, rng), new LeakyReLU(slope),
                new Reshape(c2, 8, 8),
                new ConvTranspose2d(c2, c1, 3, 2, 1, 0, rng), new LeakyReLU(slope),
                new ConvTranspose2d(c1, ARC_COLOURS, 3, 2, 1, 1, rng));
        return new Vae(encoder, hidden, latent, decoder, rng);
    }

    /**
     * An MLP VAE: in → hidden… (ReLU) → heads [B, D]; decoder D → …hidden (ReLU) → in logits.
     * With in = 784, hidden = {400}, D = 20 this is pytorch/examples' vae/main.py.
     */
    public static Vae mlp(int in, int[] hidden, int latent, Rng rng) {
        List<Layer> enc = new ArrayList<>();
        int width = in;
        for (int h : hidden) {
            enc.add(new Linear(width, h, rng));
            enc.add(new ReLU());
            width = h;
        }
        List<Layer> dec = new ArrayList<>();
        width = latent;
        for (int i = hidden.length - 1; i >= 0; i--) {
            dec.add(new Linear(width, hidden[i], rng));
            dec.add(new ReLU());
            width = hidden[i];
        }
        dec.add(new Linear(width, in, rng));
        return new Vae(new Sequential(enc), hidden[hidden.length - 1], latent, new Sequential(dec), rng);
    }
}
