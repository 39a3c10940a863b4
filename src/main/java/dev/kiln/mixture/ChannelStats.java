package dev.kiln.mixture;

/**
 * What the responsibilities say about the pots, over N samples: usage, peakiness, and (with labels)
 * purity.
 * <pre>
 *   r[i, k]   = softmax_A(y_i)_k                         responsibilities [N, K], closed pots 0
 *   c*_i      = argmax_A y_i                             the pot that explains sample i
 *   usage[k]  = #{i : c*_i = k} / N                      hard usage, sums to 1
 *   softUsage[k] = (1/N)·Σ_i r[i, k]                     soft usage, sums to 1
 *   meanMax   = (1/N)·Σ_i max_k r[i, k]                  peakiness: 1/|A| (uniform) … 1 (one-hot)
 *   entropy   = (1/N)·Σ_i −Σ_k r[i, k]·log r[i, k]       nats: log|A| (uniform) … 0 (one-hot)
 * </pre>
 * Purity against labels ℓ_i ∈ {0..L−1}, from the table n[k, ℓ] = #{i : c*_i = k, ℓ_i = ℓ}:
 * <pre>
 *   purity  = (1/N)·Σ_k max_ℓ n[k, ℓ]                    share of samples whose pot's majority label is theirs
 *   I(C; Y) = Σ_{k,ℓ} (n[k,ℓ]/N)·log( N·n[k,ℓ] / (n[k,·]·n[·,ℓ]) )
 *   NMI     = 2·I(C; Y) / (H(C) + H(Y))                   arithmetic normalization (scikit-learn's default);
 *                                                         1 if both entropies are 0
 * </pre>
 * NMI is 1 when pots and labels determine each other and 0 when independent; unlike purity it is
 * not raised by splitting a class over many pots (H(C) grows too).
 */
public final class ChannelStats {
    private ChannelStats() {}

    /** Usage and peakiness of N samples. Arrays are [K]. */
    public record Usage(double[] usage, double[] softUsage, double meanMaxResponsibility, double meanEntropy) {}

    /**
     * @param responsibilities r [N, K]
     * @param chosen           c* [N]
     */
    public static Usage usage(float[] responsibilities, int[] chosen, int pots) {
        int n = chosen.length;
        if (responsibilities.length != n * pots) {
            throw new IllegalArgumentException("usage: responsibilities has " + responsibilities.length
                    + " values, expected N·K = " + n + "·" + pots);
        }
        double[] hard = new double[pots], soft = new double[pots];
        double sumMax = 0, sumEntropy = 0;
        for (int i = 0; i < n; i++) {
            hard[chosen[i]]++;
            double max = 0, entropy = 0;
            for (int k = 0; k < pots; k++) {
                double r = responsibilities[i * pots + k];
                soft[k] += r;
                max = Math.max(max, r);
                if (r > 0) entropy -= r * Math.log(r);
            }
            sumMax += max;
            sumEntropy += entropy;
        }
        for (int k = 0; k < pots; k++) {
            hard[k] /= n;
            soft[k] /= n;
        }
        return new Usage(hard, soft, sumMax / n, sumEntropy / n);
    }

    /**
     * Purity of the pots against labels.
     *
     * @param table    n[k, ℓ], [K][L]
     * @param majority each pot's most frequent label (lowest on ties), −1 for an empty pot, [K]
     * @param purity   share of samples in their pot's majority label
     * @param nmi      normalized mutual information (arithmetic), in [0, 1]
     */
    public record Purity(long[][] table, int[] majority, double purity, double nmi) {}

    public static Purity purity(int[] chosen, int[] labels, int pots, int labelCount) {
        int n = chosen.length;
        if (labels.length != n) {
            throw new IllegalArgumentException("purity: " + n + " pots for " + labels.length + " labels");
        }
        long[][] table = new long[pots][labelCount];
        for (int i = 0; i < n; i++) table[chosen[i]][labels[i]]++;
        long[] rows = new long[pots], cols = new long[labelCount];
        for (int k = 0; k < pots; k++) {
            for (int l = 0; l < labelCount; l++) {
                rows[k] += table[k][l];
                cols[l] += table[k][l];
            }
        }
        int[] majority = new int[pots];
        long correct = 0;
        for (int k = 0; k < pots; k++) {
            majority[k] = -1;
            long best = 0;
            for (int l = 0; l < labelCount; l++) {
                if (table[k][l] > best) {
                    best = table[k][l];
                    majority[k] = l;
                }
            }
            correct += best;
        }
        double mi = 0;
        for (int k = 0; k < pots; k++) {
            for (int l = 0; l < labelCount; l++) {
                if (table[k][l] == 0) continue;
                double p = (double) table[k][l] / n;
                mi += p * Math.log((double) n * table[k][l] / ((double) rows[k] * cols[l]));
            }
        }
        double hc = entropy(rows, n), hy = entropy(cols, n);
        double nmi = hc + hy == 0 ? 1.0 : Math.max(0, Math.min(1, 2 * mi / (hc + hy)));
        return new Purity(table, majority, (double) correct / n, nmi);
    }

    private static double entropy(long[] counts, int n) {
        double h = 0;
        for (long c : counts) {
            if (c == 0) continue;
            double p = (double) c / n;
            h -= p * Math.log(p);
        }
        return h;
    }
}
