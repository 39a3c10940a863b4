package dev.kiln.lesson;

import dev.kiln.backend.Activation;
import dev.kiln.backend.Backends;
import dev.kiln.data.FashionMnist;
import dev.kiln.model.Vae;
import dev.kiln.report.ImageGrid;
import dev.kiln.tensor.Tensor;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;

/**
 * The lesson's image figures: decoded pixels, tiles of images ({@link ImageGrid}) and those tiles
 * put side by side or stacked, each with a caption drawn above or to the left, on white.
 */
final class Figures {
    private static final int SIDE = FashionMnist.SIDE;
    private static final int MARGIN = 10;
    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 16);

    private Figures() {}

    /** A titled tile of images. */
    record Panel(String title, BufferedImage image) {}

    /**
     * The decoder's mean image for each code: σ(decoder(z)), the Bernoulli probabilities, which is
     * what one shows as "the decoded image".
     *
     * @param z [N, D] latent codes
     * @return [N, 784] pixel probabilities in [0, 1]
     */
    static float[] decode(Vae vae, Tensor z) {
        Tensor logits = vae.decode(z);                                  // [N, 784]
        float[] p = new float[logits.size()];                           // [N, 784]
        Backends.current().activationForward(Activation.SIGMOID, 0f, logits.data, p, p.length);
        return p;
    }

    /** {@code n} images {@code [n, 784]} in [0, 1] as a tile {@code cols} wide, each pixel scale×scale. */
    static BufferedImage tiles(float[] pixels, int n, int cols, int scale) {
        return ImageGrid.grey(pixels, n, SIDE, SIDE, cols, scale);
    }

    /** Panels next to each other, each with its title above. */
    static BufferedImage sideBySide(List<Panel> panels) {
        int titleH = 28, width = MARGIN, height = 0;
        for (Panel p : panels) {
            width += p.image().getWidth() + 2 * MARGIN;
            height = Math.max(height, p.image().getHeight());
        }
        BufferedImage out = canvas(width, height + titleH + 2 * MARGIN);
        Graphics2D g = graphics(out);
        int x = MARGIN;
        for (Panel p : panels) {
            centred(g, p.title(), x + MARGIN, p.image().getWidth(), MARGIN + 18);
            g.drawImage(p.image(), x + MARGIN, MARGIN + titleH, null);
            x += p.image().getWidth() + 2 * MARGIN;
        }
        g.dispose();
        return out;
    }

    /** Panels stacked, each with its title to the left (one line, e.g. "original"). */
    static BufferedImage rows(List<Panel> panels) {
        Graphics2D probe = graphics(canvas(1, 1));
        int labelW = 0, width = 0, height = MARGIN;
        for (Panel p : panels) {
            labelW = Math.max(labelW, probe.getFontMetrics(TITLE).stringWidth(p.title()));
            width = Math.max(width, p.image().getWidth());
            height += p.image().getHeight() + MARGIN;
        }
        probe.dispose();
        BufferedImage out = canvas(labelW + width + 3 * MARGIN, height);
        Graphics2D g = graphics(out);
        int y = MARGIN;
        for (Panel p : panels) {
            FontMetrics fm = g.getFontMetrics();
            g.drawString(p.title(), MARGIN, y + p.image().getHeight() / 2 + fm.getAscent() / 2);
            g.drawImage(p.image(), labelW + 2 * MARGIN, y, null);
            y += p.image().getHeight() + MARGIN;
        }
        g.dispose();
        return out;
    }

    /** Writes a figure as PNG, atomically. */
    static void write(BufferedImage image, Path file) {
        ImageGrid.write(image, file);
    }

    private static BufferedImage canvas(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.dispose();
        return img;
    }

    private static Graphics2D graphics(BufferedImage img) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.BLACK);
        g.setFont(TITLE);
        return g;
    }

    private static void centred(Graphics2D g, String text, int x, int width, int baseline) {
        int w = g.getFontMetrics().stringWidth(text);
        g.drawString(text, x + Math.max(0, (width - w) / 2), baseline);
    }
}
