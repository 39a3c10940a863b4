package dev.kiln.mixture;

import dev.kiln.loss.BceWithLogits;
import dev.kiln.loss.CrossEntropy;
import dev.kiln.loss.Reduction;
import dev.kiln.report.ImageGrid;
import dev.kiln.tensor.Tensor;

import java.awt.image.BufferedImage;

/**
 * The decoder's output distribution p(x | z, c) and the image it draws, one per data set. The
 * decoder emits F logits per sample, [B, F]; the reconstruction term is in nats per sample
 * ({@link Reduction#BATCH_MEAN}: summed over pixels or cells, averaged over the batch).
 */
public sealed interface Likelihood permits Likelihood.Bernoulli, Likelihood.Categorical {

    /** F, logits per sample. */
    int outputSize();

    /** A fresh reconstruction term for one forward/backward. */
    Term term();

    /** Draws {@code n} decoded samples (logits [n, F]) as a tiled image, {@code cols} to a row. */
    BufferedImage render(Tensor logits, int n, int cols);

    /** Draws the first {@code n} samples of a batch themselves (its targets), {@code cols} to a row. */
    BufferedImage renderData(MixtureBatch batch, int n, int cols);

    /** The reconstruction term of one batch: forward gives nats per sample, backward ∂/∂logits [B, F]. */
    interface Term {
        double forward(Tensor logits, MixtureBatch batch);

        Tensor backward();
    }

    /**
     * Independent Bernoullis per pixel (grey levels in [0, 1] as targets), the usual VAE likelihood
     * for MNIST-like images: BCE on logits ({@link BceWithLogits}).
     *
     * @param height image height
     * @param width  image width; F = height·width
     */
    record Bernoulli(int height, int width) implements Likelihood {
        public int outputSize() {
            return height * width;
        }

        public Term term() {
            BceWithLogits bce = new BceWithLogits(Reduction.BATCH_MEAN);
            return new Term() {
                public double forward(Tensor logits, MixtureBatch batch) {
                    return bce.forward(logits, batch.pixels());
                }

                public Tensor backward() {
                    return bce.backward();
                }
            };
        }

        /** Draws the mean σ(logit) of each pixel as a grey level. */
        public BufferedImage render(Tensor logits, int n, int cols) {
            float[] grey = new float[n * outputSize()];   // [n, H, W]
            for (int i = 0; i < grey.length; i++) grey[i] = (float) (1 / (1 + Math.exp(-logits.data[i])));
            return ImageGrid.grey(grey, n, height, width, cols, 3);
        }

        public BufferedImage renderData(MixtureBatch batch, int n, int cols) {
            return ImageGrid.grey(batch.pixels().data, n, height, width, cols, 3);
        }
    }

    /**
     * One categorical per cell over {@code classes} colours (ARC grids): cross-entropy on logits laid
     * out [B, C, S] ({@link CrossEntropy}), F = C·S.
     */
    record Categorical(int classes, int height, int width) implements Likelihood {
        public int outputSize() {
            return classes * height * width;
        }

        public Term term() {
            CrossEntropy ce = new CrossEntropy(Reduction.BATCH_MEAN);
            int cells = height * width;
            return new Term() {
                private int[] shape;

                public double forward(Tensor logits, MixtureBatch batch) {
                    shape = logits.shape();
                    return ce.forward(logits.reshape(logits.dim(0), classes, cells), batch.cells());
                }

                public Tensor backward() {
                    return ce.backward().reshape(shape);
                }
            };
        }

        /** Draws the most likely colour of each cell in the ARC palette. */
        public BufferedImage render(Tensor logits, int n, int cols) {
            int cells = height * width;
            int[] colour = new int[n * cells];   // [n, H, W]
            for (int i = 0; i < n; i++) {
                for (int s = 0; s < cells; s++) {
                    int best = 0;
                    for (int c = 1; c < classes; c++) {
                        if (logits.data[(i * classes + c) * cells + s] > logits.data[(i * classes + best) * cells + s]) {
                            best = c;
                        }
                    }
                    colour[i * cells + s] = best;
                }
            }
            return ImageGrid.arc(colour, n, height, width, cols, 4);
        }

        public BufferedImage renderData(MixtureBatch batch, int n, int cols) {
            return ImageGrid.arc(batch.cells(), n, height, width, cols, 4);
        }
    }
}
