package dev.kiln.mixture;

import dev.kiln.data.FashionMnist;
import dev.kiln.data.GridDataset;
import dev.kiln.rand.Rng;
import dev.kiln.tensor.Tensor;

/**
 * A data set the mixture VAE trains on: batches of encoder inputs with their reconstruction targets
 * and, where the data has them, class labels (to measure how pure the pots are).
 */
public interface MixtureData {

    /** N, the number of samples. */
    int size();

    /** F_in, the encoder's input width. */
    int inputSize();

    /** The decoder's output distribution, which fixes F and how decodings are drawn. */
    Likelihood likelihood();

    /** The samples at {@code indices}, in that order. */
    MixtureBatch batch(int[] indices);

    /** Number of label classes, or 0 for unlabelled data. */
    int labelCount();

    /** The name of label class {@code k} (for the majority-label table). */
    String labelName(int k);

    /** The samples of {@code base} at {@code indices}, in that order (a view; nothing is copied). */
    static MixtureData view(MixtureData base, int[] indices) {
        int[] map = indices.clone();
        for (int i : map) {
            if (i < 0 || i >= base.size()) {
                throw new IndexOutOfBoundsException("view: index " + i + " outside [0, " + base.size() + ")");
            }
        }
        return new MixtureData() {
            public int size() { return map.length; }

            public int inputSize() { return base.inputSize(); }

            public Likelihood likelihood() { return base.likelihood(); }

            public MixtureBatch batch(int[] idx) {
                int[] inner = new int[idx.length];
                for (int b = 0; b < idx.length; b++) inner[b] = map[idx[b]];
                return base.batch(inner);
            }

            public int labelCount() { return base.labelCount(); }

            public String labelName(int k) { return base.labelName(k); }
        };
    }

    // ---------------------------------------------------------------- the three sources

    /** Fashion-MNIST images: [B, 784] in [0, 1], Bernoulli per pixel, labels 0–9. */
    static MixtureData fashion(FashionMnist images) {
        return new MixtureData() {
            private final Likelihood likelihood = new Likelihood.Bernoulli(FashionMnist.SIDE, FashionMnist.SIDE);

            public int size() { return images.size(); }

            public int inputSize() { return FashionMnist.PIXELS; }

            public Likelihood likelihood() { return likelihood; }

            public MixtureBatch batch(int[] indices) {
                Tensor x = images.batch(indices);               // [B, 784]
                return new MixtureBatch(x, x, null, images.labels(indices));
            }

            public int labelCount() { return FashionMnist.CLASSES; }

            public String labelName(int k) { return FashionMnist.className(k); }
        };
    }

    /** Padded ARC grids: one-hot [B, 10·900] in, a categorical per cell out; no labels. */
    static MixtureData arc(GridDataset grids) {
        return new MixtureData() {
            private final Likelihood likelihood = new Likelihood.Categorical(GridDataset.CLASSES, GridDataset.SIDE,
                    GridDataset.SIDE);

            public int size() { return grids.size(); }

            public int inputSize() { return GridDataset.CLASSES * GridDataset.CELLS; }

            public Likelihood likelihood() { return likelihood; }

            public MixtureBatch batch(int[] indices) {
                GridDataset.Batch b = grids.batch(indices);
                return new MixtureBatch(b.oneHot().reshape(indices.length, inputSize()), null, b.targets(), null);
            }

            public int labelCount() { return 0; }

            public String labelName(int k) {
                throw new IndexOutOfBoundsException("label " + k + " of 0: ARC grids have no labels");
            }
        };
    }

    /**
     * Synthetic labelled blobs for tests and demos without downloads: {@code classes} random binary
     * prototypes of side×side pixels (each pixel on with probability 0.35), and {@code n} samples,
     * sample i of class i mod classes, each pixel of its prototype flipped with probability
     * {@code flip}. Bernoulli likelihood, as Fashion-MNIST.
     */
    static MixtureData blobs(int n, int classes, int side, double flip, long seed) {
        if (n < 1 || classes < 1 || side < 1 || !(flip >= 0 && flip < 0.5)) {
            throw new IllegalArgumentException("blobs: need n, classes, side ≥ 1 and flip in [0, 0.5), got "
                    + n + ", " + classes + ", " + side + ", " + flip);
        }
        int pixels = side * side;
        Rng rng = new Rng(seed);
        boolean[] prototype = new boolean[classes * pixels];   // [classes, side²]
        for (int i = 0; i < prototype.length; i++) prototype[i] = rng.nextDouble() < 0.35;
        float[] data = new float[n * pixels];                   // [N, side²]
        int[] label = new int[n];                               // [N]
        for (int i = 0; i < n; i++) {
            label[i] = i % classes;
            for (int p = 0; p < pixels; p++) {
                boolean on = prototype[label[i] * pixels + p] ^ (rng.nextDouble() < flip);
                data[i * pixels + p] = on ? 1f : 0f;
            }
        }
        return new MixtureData() {
            private final Likelihood likelihood = new Likelihood.Bernoulli(side, side);

            public int size() { return n; }

            public int inputSize() { return pixels; }

            public Likelihood likelihood() { return likelihood; }

            public MixtureBatch batch(int[] indices) {
                Tensor x = Tensor.zeros(indices.length, pixels);   // [B, side²]
                int[] y = new int[indices.length];
                for (int b = 0; b < indices.length; b++) {
                    System.arraycopy(data, indices[b] * pixels, x.data, b * pixels, pixels);
                    y[b] = label[indices[b]];
                }
                return new MixtureBatch(x, x, null, y);
            }

            public int labelCount() { return classes; }

            public String labelName(int k) { return "blob " + k; }
        };
    }
}
