package dev.kiln.lesson;

import java.util.List;

/**
 * What each part of the lesson measured: the values {@link Lesson} computes and
 * {@link LessonReport} turns into prose, tables and {@code summary.json}. No number of the report
 * is typed into its text; each one is a component of one of these records.
 */
final class Findings {
    private Findings() {}

    /**
     * Part 1: the same random codes through the autoencoder's and the VAE's decoder.
     *
     * @param samples      codes decoded
     * @param latent       their size
     * @param references   training images searched for the nearest one
     * @param aeDistance   mean RMS distance of an autoencoder sample to its nearest training image
     * @param vaeDistance  the same for the VAE
     * @param realDistance the same for real test images (the scale)
     * @param aeMeanPixel  mean pixel value of the autoencoder's samples (0 black, 1 white)
     * @param vaeMeanPixel of the VAE's
     * @param realMeanPixel of real test images
     */
    record Hook(int samples, int latent, int references, double aeDistance, double vaeDistance, double realDistance,
                double aeMeanPixel, double vaeMeanPixel, double realMeanPixel) {}

    /**
     * The shared view of every 2-D map and of the explorer.
     *
     * @param half      the axes span [−half, half]² for every model
     * @param radius    the prior circle's radius, in σ
     * @param priorMass the mass of N(0, I) inside that circle
     */
    record MapAxes(double half, double radius, double priorMass) {}

    /**
     * Part 2: the autoencoder's 2-D codes.
     *
     * @param range        {lo₁, hi₁, lo₂, hi₂} of the codes
     * @param shareOutside share of the codes outside the prior circle
     */
    record Gap(double[] range, double shareOutside, MapAxes axes) {}

    /** Part 3: the 2-D VAE's clouds and those of noise without KL. */
    record Clouds(int ellipsesPerClass, double vaeMedianSigma, double vaeOutside, double noiseMedianSigma,
                  double noiseOutside, double aeOutside, MapAxes axes) {}

    /** Part 5a: reconstructions of one test image per class, z = μ, and their sharpness. */
    record Reconstructions(int images, double blurryBeta, double aeBce, double vaeBce, double blurryBce,
                           double originalTv, double aeTv, double vaeTv, double blurryTv) {}

    /**
     * Part 5b: the 20-D β sweep on the test split.
     *
     * @param recon       [β] reconstruction, nats per image (z sampled)
     * @param kl          [β] KL, nats per image
     * @param active      [β] latent dimensions whose mean KL exceeds {@code threshold}
     * @param threshold   nats
     */
    record Sweep(double[] betas, double[] recon, double[] kl, int[] active, int latent, double threshold) {
        double elbo(int i) {
            return recon[i] + kl[i];
        }
    }

    /** Part 6: the test negative ELBO of the 20-D VAE, with the uniform model's score for scale. */
    record Elbo(Training.Evaluation test, double uniformNats) {}

    /**
     * Part 7: the same grid of codes through the 2-D autoencoder and the 2-D VAE.
     *
     * @param side         grid points per side
     * @param halfWidth    the grid spans [−halfWidth, halfWidth]²
     * @param aeDistance   mean RMS distance of an autoencoder decoding to its nearest training image
     * @param vaeDistance  the same for the VAE
     * @param realDistance the same for real test images
     */
    record Terrain(int side, double halfWidth, double aeDistance, double vaeDistance, double realDistance) {}

    /** Part 8: the explorer's models and their stats. */
    record ExplorerPage(String file, List<Explorer.Entry> models, int points) {}
}
