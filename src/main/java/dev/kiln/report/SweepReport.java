package dev.kiln.report;

import com.google.gson.JsonObject;
import dev.kiln.io.AtomicFiles;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The pictures and the one page of a sweep or a comparison, written into its output directory:
 * <pre>
 *   beta.png, kl_per_dim.png, non_black_acc.png   mean over seeds per configuration and epoch,
 *                                                 spec 001's thresholds drawn, collapse epochs marked
 *   report.html                                   self-contained: the table, the plots and one
 *                                                 reconstruction strip per configuration (its first
 *                                                 seed's, from recon/epoch_*.json) side by side, all
 *                                                 inlined as data: URIs; no script, no network
 * </pre>
 */
public final class SweepReport {
    /** Spec 001's floors: KL/dim ≥ 0.05 nats and non-black accuracy ≥ 30%. */
    public static final double KL_FLOOR = 0.05;
    public static final double NON_BLACK_FLOOR = 0.30;
    public static final List<String> PLOTS = List.of("beta.png", "kl_per_dim.png", "non_black_acc.png");

    /** What the page says above the table; {@code notes} are paragraphs of plain text. */
    public record Page(String title, List<String> notes, Map<String, String> configurationNotes) {}

    private SweepReport() {}

    /** Writes the three plots and report.html into {@code out}; returns report.html's path. */
    public static Path write(Comparison comparison, Path out, Page page) {
        plots(comparison, out);
        Map<String, BufferedImage> strips = new LinkedHashMap<>();
        for (Comparison.Group g : comparison.groups()) {
            Comparison.Run first = g.runs().get(0);
            BufferedImage strip = ReconStrip.fromRunDir(first.dir(), g.name() + ", seed " + first.seed(), 8);
            if (strip != null) strips.put(g.name(), strip);
        }
        Path html = out.resolve("report.html");
        AtomicFiles.writeString(html, html(comparison, out, page, strips));
        return html;
    }

    /** The per-configuration mean curves over seeds, with thresholds and collapse markers. */
    static void plots(Comparison comparison, Path out) {
        LinePlot beta = new LinePlot("β per epoch (mean over seeds)", "epoch", "β (mean over the epoch's steps)")
                .legendOutside();
        LinePlot kl = new LinePlot("KL per latent dimension (validation, mean over seeds; log scale)", "epoch",
                "nats / dim").logY().threshold(KL_FLOOR, "spec 001: 0.05").legendOutside();
        LinePlot nb = new LinePlot("Non-black accuracy (validation, mean over seeds)", "epoch", "accuracy")
                .yRange(0, 1).threshold(NON_BLACK_FLOOR, "spec 001: 30%").legendOutside();
        List<double[]> klMarks = new ArrayList<>(), nbMarks = new ArrayList<>();   // {epoch, mean value there}
        for (Comparison.Group g : comparison.groups()) {
            double[][] b = meanCurve(g, "beta"), k = meanCurve(g, "kl_per_dim_mean"), n = meanCurve(g, "non_black_acc");
            beta.add(g.name(), b[0], b[1]);
            kl.add(g.name(), k[0], k[1]);
            nb.add(g.name(), n[0], n[1]);
            Integer first = null;
            for (Comparison.Run r : g.runs()) {
                if (r.collapseEpoch() != null && (first == null || r.collapseEpoch() < first)) first = r.collapseEpoch();
            }
            if (first != null) {
                klMarks.add(new double[] {first, valueAt(k, first)});
                nbMarks.add(new double[] {first, valueAt(n, first)});
            }
        }
        String mark = "first collapse (any seed)";
        kl.points(mark, column(klMarks, 0), column(klMarks, 1));
        nb.points(mark, column(nbMarks, 0), column(nbMarks, 1));
        beta.write(out.resolve(PLOTS.get(0)));
        kl.write(out.resolve(PLOTS.get(1)));
        nb.write(out.resolve(PLOTS.get(2)));
    }

    /** The curve's value at epoch x (NaN where it was not evaluated). */
    static double valueAt(double[][] curve, double x) {
        for (int i = 0; i < curve[0].length; i++) if (curve[0][i] == x) return curve[1][i];
        return Double.NaN;
    }

    private static double[] column(List<double[]> rows, int c) {
        double[] out = new double[rows.size()];
        for (int i = 0; i < out.length; i++) out[i] = rows.get(i)[c];
        return out;
    }

    /** {x = epochs, y = mean of key over the group's runs that have it at that epoch}. */
    static double[][] meanCurve(Comparison.Group g, String key) {
        TreeMap<Integer, double[]> sums = new TreeMap<>();   // epoch → {sum, count}
        for (Comparison.Run r : g.runs()) {
            for (JsonObject e : r.epochs()) {
                if (!e.has(key) || e.get(key).isJsonNull()) continue;
                double[] s = sums.computeIfAbsent(e.get("epoch").getAsInt(), x -> new double[2]);
                s[0] += e.get(key).getAsDouble();
                s[1]++;
            }
        }
        double[] x = new double[sums.size()], y = new double[sums.size()];
        int i = 0;
        for (Map.Entry<Integer, double[]> e : sums.entrySet()) {
            x[i] = e.getKey();
            y[i++] = e.getValue()[0] / e.getValue()[1];
        }
        return new double[][] {x, y};
    }

    // ------------------------------------------------------------------------------------ the page

    static String html(Comparison comparison, Path out, Page page, Map<String, BufferedImage> strips) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(esc(page.title())).append("</title>\n<style>\n").append(CSS)
                .append("</style>\n</head>\n<body>\n<main>\n<h1>").append(esc(page.title())).append("</h1>\n");
        for (String p : page.notes()) h.append("<p>").append(esc(p)).append("</p>\n");

        h.append("<h2>Over seeds</h2>\n<div class=\"scroll\"><table>\n<thead><tr><th>configuration</th><th>seeds</th>");
        for (Comparison.Metric m : Comparison.METRICS) h.append("<th>").append(esc(m.title())).append("</th>");
        h.append("<th>collapsed</th><th>collapse epoch</th></tr></thead>\n<tbody>\n");
        for (Comparison.Group g : comparison.groups()) {
            h.append("<tr><th scope=\"row\">").append(esc(g.name())).append("</th><td>")
                    .append(g.runs().size()).append("</td>");
            for (Comparison.Metric m : Comparison.METRICS) {
                Stats s = g.stats(m.key());
                h.append("<td>").append(statsHtml(s, m.percent(), m.percent() || m.key().equals("active_units") ? 1 : 3))
                        .append("</td>");
            }
            h.append("<td>").append(g.collapsed()).append('/').append(g.runs().size()).append("</td><td>")
                    .append(g.collapsed() == 0 ? "none" : statsHtml(g.collapseEpoch(), false, 1)).append("</td></tr>\n");
        }
        h.append("</tbody>\n</table></div>\n<p class=\"note\">Each cell: mean ± sd over seeds, and below it the 95% "
                + "interval of the mean (Student's t). Validation split, last epoch; min KL/dim is the lowest over the "
                + "evaluated epochs; collapsed counts the seeds whose collapse detector fired; collapse epoch is the mean "
                + "first epoch it fired, over those seeds. The same numbers are in comparison.md, comparison.json, "
                + "runs.csv and metrics.csv.</p>\n");

        if (!page.configurationNotes().isEmpty()) {
            h.append("<h2>Configurations</h2>\n<dl>\n");
            for (Map.Entry<String, String> e : page.configurationNotes().entrySet()) {
                h.append("<dt>").append(esc(e.getKey())).append("</dt><dd>").append(esc(e.getValue())).append("</dd>\n");
            }
            h.append("</dl>\n");
        }

        h.append("<h2>Curves</h2>\n");
        String[] captions = {"β per epoch, mean over seeds.",
                "KL per latent dimension on a log scale; the line is spec 001's floor of 0.05 nats/dim; vertical lines "
                        + "black crosses mark the first epoch any seed of a configuration collapsed (the table says how many seeds did).",
                "Non-black accuracy (cells whose true colour is not black, predicted right); the line is spec 001's 30%; "
                        + "black crosses mark first collapses."};
        for (int i = 0; i < PLOTS.size(); i++) {
            Path p = out.resolve(PLOTS.get(i));
            h.append("<figure><img src=\"").append(dataUri(read(p))).append("\" alt=\"").append(esc(captions[i]))
                    .append("\"><figcaption>").append(esc(captions[i])).append("</figcaption></figure>\n");
        }

        if (!strips.isEmpty()) {
            h.append("<h2>Reconstructions</h2>\n<p>The same validation grids for every run: the inputs on top, then the "
                    + "reconstructions (argmax colour per cell, z = μ) at the chosen epochs, in the ARC palette. "
                    + "Collapse is a strip turning black. One strip per configuration, its first seed.</p>\n"
                    + "<div class=\"strips\">\n");
            for (Map.Entry<String, BufferedImage> e : strips.entrySet()) {
                h.append("<figure><img src=\"").append(dataUri(png(e.getValue()))).append("\" alt=\"reconstructions of ")
                        .append(esc(e.getKey())).append("\"><figcaption>").append(esc(e.getKey()))
                        .append("</figcaption></figure>\n");
            }
            h.append("</div>\n");
        }
        h.append("</main>\n</body>\n</html>\n");
        return h.toString();
    }

    private static final String CSS = """
            body { font: 16px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #111; background: #fff; }
            main { max-width: 1200px; margin: 0 auto; padding: 0 12px 40px; }
            h1 { font-size: 1.5em; }
            .scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; }
            table { border-collapse: collapse; font-size: 0.85em; }
            th, td { border: 1px solid #ccc; padding: 4px 6px; text-align: right; vertical-align: top; white-space: nowrap; }
            th[scope=row], thead th { text-align: left; background: #f4f4f4; }
            .ci { color: #555; font-size: 0.85em; }
            .note { color: #444; font-size: 0.9em; }
            figure { margin: 12px 0; }
            img { max-width: 100%; height: auto; display: block; }
            .strips { display: flex; flex-wrap: wrap; gap: 12px; }
            .strips figure { flex: 1 1 300px; max-width: 600px; }
            dt { font-weight: 600; }
            dd { margin: 0 0 8px 16px; }
            """;

    private static String statsHtml(Stats s, boolean percent, int decimals) {
        if (s.n() == 0) return "—";
        double k = percent ? 100 : 1;
        String f = "%." + decimals + "f", unit = percent ? "%" : "";
        String mean = String.format(Locale.ROOT, f, k * s.mean()) + unit;
        if (s.n() == 1) return mean;
        return mean + " ± " + String.format(Locale.ROOT, f, k * s.sd()) + "<br><span class=\"ci\">["
                + String.format(Locale.ROOT, f, k * s.ciLow()) + ", " + String.format(Locale.ROOT, f, k * s.ciHigh())
                + "]</span>";
    }

    static String esc(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    private static String dataUri(byte[] png) {
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(png);
    }

    private static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + p, e);
        }
    }

    private static byte[] png(BufferedImage img) {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        try {
            javax.imageio.ImageIO.write(img, "png", b);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a strip", e);
        }
        return b.toByteArray();
    }
}
