package dev.kiln.report;

import dev.kiln.io.AtomicFiles;
import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** A line chart of named series on shared axes, written as a PNG (XChart) through a temp file and a rename. */
public final class LinePlot {
    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final Map<String, double[][]> series = new LinkedHashMap<>();   // name → {x[], y[]}
    private final Map<Double, String> markers = new LinkedHashMap<>();     // x → label, drawn as vertical lines
    private final Map<Double, String> thresholds = new LinkedHashMap<>();  // y → label, drawn as horizontal lines
    private final Map<String, double[][]> points = new LinkedHashMap<>();  // name → {x[], y[]}, markers only
    private boolean logY;
    private boolean legendOutside;
    private Double yMin;
    private Double yMax;
    private boolean legend = true;

    public LinePlot(String title, String xLabel, String yLabel) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    /** Adds a series; x and y have the same length. */
    public LinePlot add(String name, double[] x, double[] y) {
        if (x.length != y.length) throw new IllegalArgumentException(name + ": " + x.length + " x values, " + y.length + " y");
        series.put(name, new double[][] {x.clone(), y.clone()});
        return this;
    }

    /** Fixes the y range (otherwise it fits the data). */
    public LinePlot yRange(double min, double max) {
        this.yMin = min;
        this.yMax = max;
        return this;
    }

    /** Hides the legend (for a single series). */
    public LinePlot withoutLegend() {
        this.legend = false;
        return this;
    }

    /** Marks x with a vertical line and a label at the top (an event such as a curriculum step). */
    public LinePlot marker(double x, String label) {
        markers.put(x, label);
        return this;
    }

    /** Draws a horizontal line at y with a label at its left end (a target such as spec 001's KL/dim ≥ 0.05). */
    public LinePlot threshold(double y, String label) {
        thresholds.put(y, label);
        return this;
    }

    /**
     * A logarithmic y axis, for values spread over decades (KL/dim from 4 nats down to 0.02);
     * values ≤ 0 are drawn at {@link #LOG_FLOOR}.
     */
    public LinePlot logY() {
        this.logY = true;
        return this;
    }

    /** Adds marks without a line (events on the curves, such as the epoch a run collapsed), drawn as black crosses. */
    public LinePlot points(String name, double[] x, double[] y) {
        if (x.length != y.length) throw new IllegalArgumentException(name + ": " + x.length + " x values, " + y.length + " y");
        points.put(name, new double[][] {x.clone(), y.clone()});
        return this;
    }

    /** Puts the legend to the right of the plot, for many series that would hide lines inside it. */
    public LinePlot legendOutside() {
        this.legendOutside = true;
        return this;
    }

    /** The smallest value a log axis shows. */
    public static final double LOG_FLOOR = 1e-4;

    /** Line styles and markers cycled through by series, so that overlapping lines stay distinguishable. */
    private static final java.awt.BasicStroke[] STROKES = {
            SeriesLines.SOLID, SeriesLines.DASH_DASH, SeriesLines.DOT_DOT, SeriesLines.DASH_DOT};
    private static final org.knowm.xchart.style.markers.Marker[] MARKERS = {SeriesMarkers.CIRCLE,
            SeriesMarkers.SQUARE, SeriesMarkers.DIAMOND, SeriesMarkers.TRIANGLE_UP, SeriesMarkers.RECTANGLE,
            SeriesMarkers.TRIANGLE_DOWN, SeriesMarkers.PLUS, SeriesMarkers.OVAL};

    private static double[] floored(double[] y) {
        double[] out = y.clone();
        for (int i = 0; i < out.length; i++) if (!(out[i] > LOG_FLOOR)) out[i] = LOG_FLOOR;
        return out;
    }

    private double dataMax() {
        double max = Double.NEGATIVE_INFINITY;
        for (double[][] xy : series.values()) for (double v : xy[1]) if (Double.isFinite(v)) max = Math.max(max, v);
        return Double.isFinite(max) ? max : 1;
    }

    /** Writes the PNG atomically. */
    public void write(Path file) {
        XYChart chart = new XYChartBuilder().width(900).height(500).title(title).xAxisTitle(xLabel)
                .yAxisTitle(yLabel).build();
        chart.getStyler().setLegendPosition(legendOutside ? org.knowm.xchart.style.Styler.LegendPosition.OutsideE
                : org.knowm.xchart.style.Styler.LegendPosition.InsideNE);
        chart.getStyler().setLegendVisible(legend);
        chart.getStyler().setYAxisDecimalPattern("0.###");
        if (yMin != null) {
            chart.getStyler().setYAxisMin(yMin);
            chart.getStyler().setYAxisMax(yMax);
        }
        chart.getStyler().setYAxisLogarithmic(logY);
        int index = 0;
        for (Map.Entry<String, double[][]> e : series.entrySet()) {
            double[][] xy = e.getValue();
            if (xy[0].length == 0) continue;
            XYSeries s = chart.addSeries(e.getKey(), xy[0], logY ? floored(xy[1]) : xy[1]);
            s.setMarker(xy[0].length > 60 ? SeriesMarkers.NONE : MARKERS[index % MARKERS.length]);
            s.setLineStyle(STROKES[(index / MARKERS.length + index) % STROKES.length]);
            index++;
        }
        for (Map.Entry<String, double[][]> e : points.entrySet()) {
            double[][] xy = e.getValue();
            if (xy[0].length == 0) continue;
            XYSeries s = chart.addSeries(e.getKey(), xy[0], logY ? floored(xy[1]) : xy[1]);
            s.setXYSeriesRenderStyle(org.knowm.xchart.XYSeries.XYSeriesRenderStyle.Scatter);
            s.setMarker(SeriesMarkers.CROSS);
            s.setMarkerColor(java.awt.Color.BLACK);
        }
        double top = yMax != null ? yMax : dataMax();
        double left = Double.POSITIVE_INFINITY, right = Double.NEGATIVE_INFINITY;
        for (double[][] xy : series.values()) {
            for (double v : xy[0]) {
                left = Math.min(left, v);
                right = Math.max(right, v);
            }
        }
        if (!Double.isFinite(left)) {
            left = 0;
            right = 1;
        }
        double bottom = yMin != null ? yMin : 0;
        for (Map.Entry<Double, String> t : thresholds.entrySet()) {
            chart.addAnnotation(new AnnotationLine(t.getKey(), false, false));
            // The label sits just above its line, a little in from the left axis.
            double y = logY ? t.getKey() * 1.3 : t.getKey() + 0.03 * (top - bottom);
            chart.addAnnotation(new AnnotationText(t.getValue(), left + 0.1 * (right - left), y, false));
        }
        for (Map.Entry<Double, String> m : markers.entrySet()) {
            chart.addAnnotation(new AnnotationLine(m.getKey(), true, false));
            chart.addAnnotation(new AnnotationText(m.getValue(), m.getKey(), top, false));
        }
        try {
            AtomicFiles.write(file, BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot render plot " + file, e);
        }
    }
}
