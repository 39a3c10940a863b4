package dev.kiln.lesson;

import dev.kiln.data.FashionMnist;
import dev.kiln.rand.Rng;

import java.util.List;

/**
 * A stand-in for Fashion-MNIST that needs no download: 28×28 grey images of ten simple shapes, one
 * class per shape, each drawn at a random offset (±3 pixels), size (×0.8–1.2) and brightness
 * (150–255), on a black background like Fashion-MNIST's. Tests and {@code kiln lesson --synthetic}
 * use it; it is easy enough for a small model to learn in a few epochs, and varied enough that the
 * β trade-off shows.
 * <pre>
 *   0 horizontal bar   1 vertical bar   2 square      3 frame      4 disc
 *   5 ring             6 plus           7 X           8 triangle   9 two dots
 * </pre>
 * Classes cycle 0, 1, …, 9, 0, … so every class has ⌊n/10⌋ or ⌈n/10⌉ images.
 */
public final class SyntheticShapes {
    /** The class names, by class id. */
    public static final List<String> CLASS_NAMES = List.of(
            "horizontal bar", "vertical bar", "square", "frame", "disc",
            "ring", "plus", "X", "triangle", "two dots");

    private SyntheticShapes() {}

    /** n images drawn with a generator seeded by {@code seed}. */
    public static FashionMnist generate(int n, long seed) {
        if (n < 1) throw new IllegalArgumentException("n must be >= 1, got " + n);
        Rng rng = new Rng(seed);
        int side = FashionMnist.SIDE, pixels = FashionMnist.PIXELS;
        byte[] image = new byte[Math.multiplyExact(n, pixels)];   // [N, 784] unsigned 0–255
        byte[] label = new byte[n];                               // [N]
        for (int i = 0; i < n; i++) {
            int shape = i % FashionMnist.CLASSES;
            label[i] = (byte) shape;
            double centreRow = 13.5 + rng.uniform(-3f, 3f);
            double centreCol = 13.5 + rng.uniform(-3f, 3f);
            double s = rng.uniform(0.8f, 1.2f);                   // size factor
            int bright = 150 + rng.nextInt(106);                  // 150–255
            int base = i * pixels;                                // image i in `image`
            for (int r = 0; r < side; r++) {
                for (int c = 0; c < side; c++) {
                    if (inside(shape, (r - centreRow) / s, (c - centreCol) / s)) {
                        image[base + r * side + c] = (byte) bright;
                    }
                }
            }
        }
        return FashionMnist.of(image, label);
    }

    /** Whether the point (dr, dc), in pixels from the shape's centre at size 1, is inside shape k. */
    static boolean inside(int k, double dr, double dc) {
        double ar = Math.abs(dr), ac = Math.abs(dc);
        double box = Math.max(ar, ac);                            // L∞ distance
        double r2 = dr * dr + dc * dc;                            // squared L2 distance
        return switch (k) {
            case 0 -> ar <= 2 && ac <= 9;
            case 1 -> ac <= 2 && ar <= 9;
            case 2 -> box <= 7;
            case 3 -> box >= 5 && box <= 8;
            case 4 -> r2 <= 49;
            case 5 -> r2 >= 25 && r2 <= 64;
            case 6 -> (ar <= 2 && ac <= 9) || (ac <= 2 && ar <= 9);
            case 7 -> (Math.abs(dr - dc) <= 2 || Math.abs(dr + dc) <= 2) && box <= 9;
            case 8 -> dr >= -7 && dr <= 7 && ac <= (dr + 7) / 2;
            case 9 -> dr * dr + (dc - 5) * (dc - 5) <= 9 || dr * dr + (dc + 5) * (dc + 5) <= 9;
            default -> throw new IllegalArgumentException("shape class " + k + " outside 0–9");
        };
    }
}
