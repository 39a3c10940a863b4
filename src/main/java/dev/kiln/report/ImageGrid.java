package dev.kiln.report;

import dev.kiln.io.AtomicFiles;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Tiles of small images written as one PNG: Fashion-MNIST samples and reconstructions (grey
 * levels in [0, 1]) or ARC grids (colour ids 0–9 in the ARC palette). Each tile is scaled up by an
 * integer factor and separated from its neighbours by a one-pixel gutter.
 */
public final class ImageGrid {
    /** The usual ARC colours, ids 0–9: black, blue, red, green, yellow, grey, magenta, orange, cyan, maroon. */
    public static final int[] ARC_PALETTE = {0x000000, 0x0074D9, 0xFF4136, 0x2ECC40, 0xFFDC00, 0xAAAAAA, 0xF012BE,
            0xFF851B, 0x7FDBFF, 0x870C25};
    private static final int GUTTER_RGB = 0x404040;

    private ImageGrid() {}

    /**
     * Grey images: {@code pixels} is [n, h, w] with values in [0, 1] (clamped), tiled {@code cols}
     * to a row, each pixel drawn as a {@code scale}×{@code scale} block.
     */
    public static BufferedImage grey(float[] pixels, int n, int h, int w, int cols, int scale) {
        return tile(n, h, w, cols, scale, (i, r, c) -> {
            float v = Math.max(0f, Math.min(1f, pixels[(i * h + r) * w + c]));
            int g = Math.round(v * 255);
            return (g << 16) | (g << 8) | g;
        });
    }

    /** ARC grids: {@code cells} is [n, h, w] colour ids 0–9. */
    public static BufferedImage arc(int[] cells, int n, int h, int w, int cols, int scale) {
        return tile(n, h, w, cols, scale, (i, r, c) -> ARC_PALETTE[cells[(i * h + r) * w + c]]);
    }

    /** Writes an image as PNG through a temporary file and a rename. */
    public static void write(BufferedImage image, Path file) {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, "png", png)) throw new IOException("no PNG writer");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode " + file, e);
        }
        AtomicFiles.write(file, png.toByteArray());
    }

    private interface Pixel {
        int rgb(int image, int row, int col);
    }

    private static BufferedImage tile(int n, int h, int w, int cols, int scale, Pixel pixel) {
        if (n <= 0 || h <= 0 || w <= 0 || cols <= 0 || scale <= 0) {
            throw new IllegalArgumentException("image grid needs positive sizes, got n=" + n + " h=" + h + " w=" + w
                    + " cols=" + cols + " scale=" + scale);
        }
        int rows = (n + cols - 1) / cols;
        int tileW = w * scale + 1, tileH = h * scale + 1;
        BufferedImage img = new BufferedImage(cols * tileW + 1, rows * tileH + 1, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) img.setRGB(x, y, GUTTER_RGB);
        }
        for (int i = 0; i < n; i++) {
            int x0 = (i % cols) * tileW + 1, y0 = (i / cols) * tileH + 1;
            for (int r = 0; r < h; r++) {
                for (int c = 0; c < w; c++) {
                    int rgb = pixel.rgb(i, r, c);
                    for (int dy = 0; dy < scale; dy++) {
                        for (int dx = 0; dx < scale; dx++) img.setRGB(x0 + c * scale + dx, y0 + r * scale + dy, rgb);
                    }
                }
            }
        }
        return img;
    }
}
