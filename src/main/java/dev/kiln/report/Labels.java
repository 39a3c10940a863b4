package dev.kiln.report;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * A title band above an image and a label column to its left, one label per row of tiles: how
 * reconstruction strips say which epoch a row is, and mixture pictures which pot.
 */
public final class Labels {
    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 14);
    private static final Font LABEL = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    private static final int PAD = 6;

    private Labels() {}

    /**
     * @param image     the tiled picture
     * @param title     drawn above it (null for none)
     * @param rowLabels one label per row of tiles, each possibly of several lines separated by '\n'
     * @param rowHeight the height of one row of tiles in pixels (ImageGrid: tile height + 1 gutter)
     */
    public static BufferedImage around(BufferedImage image, String title, List<String> rowLabels, int rowHeight) {
        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D pg = probe.createGraphics();
        FontMetrics lm = pg.getFontMetrics(LABEL), tm = pg.getFontMetrics(TITLE);
        int labelW = 0;
        for (String l : rowLabels) for (String line : l.split("\n")) labelW = Math.max(labelW, lm.stringWidth(line));
        pg.dispose();
        int left = rowLabels.isEmpty() ? 0 : labelW + 2 * PAD;
        int top = title == null ? 0 : tm.getHeight() + 2 * PAD;
        int width = Math.max(left + image.getWidth(), title == null ? 0 : tm.stringWidth(title) + 2 * PAD);
        BufferedImage out = new BufferedImage(width, top + image.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, out.getWidth(), out.getHeight());
        g.drawImage(image, left, top, null);
        g.setColor(Color.BLACK);
        if (title != null) {
            g.setFont(TITLE);
            g.drawString(title, PAD, PAD + tm.getAscent());
        }
        g.setFont(LABEL);
        for (int r = 0; r < rowLabels.size(); r++) {
            String[] lines = rowLabels.get(r).split("\n");
            int y = top + r * rowHeight + (rowHeight - lines.length * lm.getHeight()) / 2 + lm.getAscent();
            for (String line : lines) {
                g.drawString(line, PAD, y);
                y += lm.getHeight();
            }
        }
        g.dispose();
        return out;
    }
}
