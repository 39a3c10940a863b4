package dev.kiln.report;

import dev.kiln.io.AtomicFiles;
import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
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

    private double dataMax() {
        double max = Double.NEGATIVE_INFINITY;
        for (double[][] xy : series.values()) for (double v : xy[1]) if (Double.isFinite(v)) max = Math.max(max, v);
        return Double.isFinite(max) ? max : 1;
    }

    /** Writes the PNG atomically. */
    public void write(Path file) {
        XYChart chart = new XYChartBuilder().width(900).height(500).title(title).xAxisTitle(xLabel)
                .yAxisTitle(yLabel).build();
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNE);
        chart.getStyler().setLegendVisible(legend);
        chart.getStyler().setYAxisDecimalPattern("0.###");
        if (yMin != null) {
            chart.getStyler().setYAxisMin(yMin);
            chart.getStyler().setYAxisMax(yMax);
        }
        for (Map.Entry<String, double[][]> e : series.entrySet()) {
            double[][] xy = e.getValue();
            if (xy[0].length == 0) continue;
            XYSeries s = chart.addSeries(e.getKey(), xy[0], xy[1]);
            s.setMarker(xy[0].length > 60 ? SeriesMarkers.NONE : SeriesMarkers.CIRCLE);
        }
        double top = yMax != null ? yMax : dataMax();
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
