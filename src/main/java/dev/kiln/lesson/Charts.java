package dev.kiln.lesson;

import dev.kiln.io.AtomicFiles;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** The lesson's XChart figures: the 2-D latent maps and the β trade-off curve, written as PNGs atomically. */
final class Charts {
    /** One colour per class (the "tab10" palette), by class id. */
    private static final Color[] CLASS_COLOURS = {
            new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728), new Color(0x9467bd),
            new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf)};
    /** Segments of a drawn ellipse. */
    private static final int ELLIPSE_SEGMENTS = 48;

    private Charts() {}

    /**
     * Encoded means coloured by class, with 1σ ellipses around some of them, and the prior's circle
     * at {@code radius} σ. Both axes span [−half, half], so that maps drawn with the same
     * {@code half} can be compared.
     *
     * @param mu         [N, 2] encoded means
     * @param sigma      [N, 2] encoded standard deviations, or null (the autoencoder: no ellipses)
     * @param labels     [N] class ids
     * @param classNames names by class id
     * @param ellipses   indices into the N points whose ellipses are drawn
     * @param half       both axes span [−half, half]
     * @param radius     the prior circle's radius
     */
    static void latentMap(String title, float[] mu, float[] sigma, int[] labels, List<String> classNames,
                          int[] ellipses, double half, double radius, Path file) {
        int n = labels.length;
        XYChart chart = new XYChartBuilder().width(760).height(620).title(title)
                .xAxisTitle("z₁ (μ₁)").yAxisTitle("z₂ (μ₂)").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setMarkerSize(4);
        chart.getStyler().setXAxisMin(-half).setXAxisMax(half).setYAxisMin(-half).setYAxisMax(half);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);

        for (int k = 0; k < classNames.size(); k++) {
            int count = 0;
            for (int i = 0; i < n; i++) if (labels[i] == k) count++;
            if (count == 0) continue;
            double[] x = new double[count], y = new double[count];    // [count] the class's points
            int j = 0;
            for (int i = 0; i < n; i++) {
                if (labels[i] != k) continue;
                int row = i * 2;                                      // point i in mu
                x[j] = mu[row];
                y[j] = mu[row + 1];
                j++;
            }
            XYSeries s = chart.addSeries(classNames.get(k), x, y);
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            s.setMarker(SeriesMarkers.CIRCLE);
            s.setMarkerColor(colour(k, 150));
        }
        if (sigma != null) {
            for (int e = 0; e < ellipses.length; e++) {
                int i = ellipses[e], row = i * 2;
                double[][] xy = ellipse(mu[row], mu[row + 1], sigma[row], sigma[row + 1]);
                XYSeries s = chart.addSeries("ellipse " + e, xy[0], xy[1]);
                s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
                s.setMarker(SeriesMarkers.NONE);
                s.setLineColor(colour(labels[i], 255));
                s.setLineWidth(1.2f);
                s.setShowInLegend(false);
            }
        }
        double[][] circle = ellipse(0, 0, radius, radius);
        XYSeries prior = chart.addSeries("N(0, I), " + Objective.showBeta(radius) + "σ", circle[0], circle[1]);
        prior.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        prior.setMarker(SeriesMarkers.NONE);
        prior.setLineColor(Color.BLACK);
        prior.setLineStyle(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
        write(chart, file);
    }

    /**
     * The β sweep as a rate–distortion curve: KL (nats per image) across, reconstruction (nats per
     * image) up, one point per β, joined in β order and labelled.
     */
    static void tradeOff(double[] betas, double[] recon, double[] kl, Path file) {
        XYChart chart = new XYChartBuilder().width(900).height(560)
                .title("The β trade-off on the test split: more KL weight, less KL, worse reconstruction")
                .xAxisTitle("KL(q(z|x) ‖ N(0, I)), nats per image").yAxisTitle("reconstruction BCE, nats per image")
                .build();
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setMarkerSize(9);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        XYSeries s = chart.addSeries("β sweep", kl, recon);
        s.setMarker(SeriesMarkers.CIRCLE);
        s.setLineColor(new Color(0x1f77b4));
        s.setMarkerColor(new Color(0x1f77b4));
        double yMin = Arrays.stream(recon).min().orElse(0), yMax = Arrays.stream(recon).max().orElse(1);
        double xMin = Arrays.stream(kl).min().orElse(0), xMax = Arrays.stream(kl).max().orElse(1);
        double dy = Math.max(1e-6, yMax - yMin), dx = Math.max(1e-6, xMax - xMin);
        chart.getStyler().setYAxisMin(yMin - 0.1 * dy).setYAxisMax(yMax + 0.15 * dy);
        chart.getStyler().setXAxisMin(Math.max(0, xMin - 0.08 * dx)).setXAxisMax(xMax + 0.12 * dx);
        for (int i = 0; i < betas.length; i++) {
            chart.addAnnotation(new AnnotationText("β=" + Objective.showBeta(betas[i]), kl[i] + 0.035 * dx,
                    recon[i] + 0.05 * dy, false));
        }
        write(chart, file);
    }

    /** Points of the axis-aligned ellipse centred at (cx, cy) with half-axes (rx, ry), closed: {x[], y[]}. */
    static double[][] ellipse(double cx, double cy, double rx, double ry) {
        double[] x = new double[ELLIPSE_SEGMENTS + 1], y = new double[ELLIPSE_SEGMENTS + 1];   // [49], last = first
        for (int i = 0; i <= ELLIPSE_SEGMENTS; i++) {
            double t = 2 * Math.PI * i / ELLIPSE_SEGMENTS;
            x[i] = cx + rx * Math.cos(t);
            y[i] = cy + ry * Math.sin(t);
        }
        return new double[][] {x, y};
    }

    private static Color colour(int k, int alpha) {
        Color c = CLASS_COLOURS[k % CLASS_COLOURS.length];
        return new Color(c.getRed(), c.getGreen(), c.getBlue(), alpha);
    }

    private static void write(XYChart chart, Path file) {
        try {
            AtomicFiles.write(file, BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot draw " + file, e);
        }
    }
}
