package dev.kiln.mixture;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.kiln.report.ImageGrid;
import dev.kiln.report.Labels;
import dev.kiln.report.LinePlot;
import dev.kiln.rand.Rng;
import dev.kiln.tensor.Tensor;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The pictures and the table a mixture run leaves in its directory. */
public final class MixturePlots {
    private MixturePlots() {}

    /**
     * Hard usage of every pot that was ever open, per epoch, from the metrics lines; each curriculum
     * event is a vertical line between the epoch that decided it and the next one.
     */
    public static void usage(List<JsonObject> lines, int pots, String name, Path file) {
        int epochs = lines.size();
        double[] x = new double[epochs];
        double[][] y = new double[pots][epochs];   // [K, epochs]
        boolean[] seen = new boolean[pots];
        LinePlot plot = new LinePlot(name + ": pot usage (validation, argmax)", "epoch", "share of samples");
        for (int e = 0; e < epochs; e++) {
            JsonObject m = lines.get(e);
            x[e] = m.get("epoch").getAsDouble();
            JsonArray u = m.getAsJsonArray("usage");
            for (var a : m.getAsJsonArray("active")) seen[a.getAsInt()] = true;
            for (int k = 0; k < pots; k++) y[k][e] = u.get(k).getAsDouble();
            if (m.has("event") && !m.get("event").isJsonNull()) {
                JsonObject ev = m.getAsJsonObject("event");
                String type = ev.get("type").getAsString();
                String label = type.equals("unlock") ? "+pot " + ev.get("pot").getAsInt() : type;
                plot.marker(x[e] + 0.5, label);
            }
        }
        for (int k = 0; k < pots; k++) if (seen[k]) plot.add("pot " + k, x, y[k]);
        plot.yRange(0, 1.05).write(file);
    }

    /**
     * One row per open pot: {@code perPot} decodings of z ~ N(0, I) (the same z in every row, from a
     * generator seeded with {@code seed}), so rows differ only by the pot that decodes them.
     */
    public static void decodings(MixtureVae model, Likelihood likelihood, boolean[] active, int perPot, long seed,
                                 Path file) {
        decodings(model, likelihood, active, perPot, seed, file, null, List.of());
    }

    /**
     * {@link #decodings} with a title above the picture and a label left of each pot's row
     * ({@link #rowLabels}); no labels when {@code rowLabels} is empty.
     */
    public static void decodings(MixtureVae model, Likelihood likelihood, boolean[] active, int perPot, long seed,
                                 Path file, String title, List<String> rowLabels) {
        int[] open = Pots.list(active);
        int dims = model.latentDim();
        float[] base = new float[perPot * dims];          // [perPot, D]
        new Rng(seed ^ 0x5EEDL).fillGaussian(base, base.length);
        Tensor z = Tensor.zeros(open.length * perPot, dims);
        int[] channel = new int[open.length * perPot];
        for (int a = 0; a < open.length; a++) {
            System.arraycopy(base, 0, z.data, a * perPot * dims, base.length);
            Arrays.fill(channel, a * perPot, (a + 1) * perPot, open[a]);
        }
        Tensor logits = model.decode(z, channel);
        ImageGrid.write(labelled(likelihood.render(logits, open.length * perPot, perPot), open.length, title, rowLabels),
                file);
    }

    /**
     * One row per open pot: the first {@code perPot} validation samples it explains (c* = pot);
     * a pot with fewer has black tiles after them.
     */
    public static void members(MixtureData data, int[] chosen, boolean[] active, int perPot, Path file) {
        members(data, chosen, active, perPot, file, null, List.of());
    }

    /** {@link #members} with a title and one label per pot's row ({@link #rowLabels}). */
    public static void members(MixtureData data, int[] chosen, boolean[] active, int perPot, Path file, String title,
                               List<String> rowLabels) {
        int[] open = Pots.list(active);
        int[] idx = new int[open.length * perPot];
        boolean[] blank = new boolean[idx.length];
        for (int a = 0; a < open.length; a++) {
            int filled = 0;
            for (int i = 0; i < chosen.length && filled < perPot; i++) {
                if (chosen[i] == open[a]) idx[a * perPot + filled++] = i;
            }
            for (int j = filled; j < perPot; j++) blank[a * perPot + j] = true;
        }
        MixtureBatch batch = data.batch(idx);
        for (int t = 0; t < idx.length; t++) {
            if (!blank[t]) continue;
            if (batch.pixels() != null) {
                int f = batch.pixels().dim(1);
                Arrays.fill(batch.pixels().data, t * f, (t + 1) * f, 0f);
            }
            if (batch.cells() != null) {
                int s = batch.cells().length / idx.length;
                Arrays.fill(batch.cells(), t * s, (t + 1) * s, 0);
            }
        }
        BufferedImage img = data.likelihood().renderData(batch, idx.length, perPot);
        ImageGrid.write(labelled(img, open.length, title, rowLabels), file);
    }

    /**
     * One label per open pot, in row order: its id, its hard usage on the validation split, and with
     * labelled data its majority label and that label's share of the pot's samples.
     */
    public static List<String> rowLabels(boolean[] active, ChannelStats.Usage usage, ChannelStats.Purity purity,
                                         MixtureData data) {
        List<String> out = new ArrayList<>();
        for (int k : Pots.list(active)) {
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "pot %d\nusage %.2f", k, usage.usage()[k]));
            if (purity != null) {
                int m = purity.majority()[k];
                if (m < 0) {
                    sb.append("\nno samples");
                } else {
                    long total = 0;
                    for (long v : purity.table()[k]) total += v;
                    sb.append(String.format(Locale.ROOT, "\n%s %.0f%%", data.labelName(m), 100.0 * purity.table()[k][m] / total));
                }
            }
            out.add(sb.toString());
        }
        return out;
    }

    /**
     * The warning for a curriculum run that ended without opening a second pot (null when it did,
     * or when there is nothing to unlock): such a run is a one-pot VAE, whatever its config says.
     */
    public static String neverUnlocked(List<JsonObject> lines, PotCurriculum.Config c) {
        if (!c.enabled() || c.pots() < 2 || lines.isEmpty()) return null;
        for (JsonObject m : lines) {
            if (m.has("event") && !m.get("event").isJsonNull()
                    && m.getAsJsonObject("event").get("type").getAsString().equals("unlock")) {
                return null;
            }
        }
        String trigger = c.trigger() == PotCurriculum.Trigger.PLATEAU
                ? "curriculum.patience = " + c.patience() + " epochs without a relative improvement of "
                        + "curriculum.min_rel_improvement = " + c.minRelImprovement()
                : "curriculum.min_stage_epochs = " + c.minStageEpochs() + " and a failed normality test";
        return "no pot was ever unlocked in " + lines.size() + " epochs, so this run trained a single pot of "
                + c.pots() + ": stage 0 never ended (it needs " + trigger + "). Train longer, or lower the trigger.";
    }

    private static BufferedImage labelled(BufferedImage img, int rows, String title, List<String> rowLabels) {
        if (title == null && rowLabels.isEmpty()) return img;
        if (!rowLabels.isEmpty() && rowLabels.size() != rows) {
            throw new IllegalArgumentException(rows + " rows but " + rowLabels.size() + " labels");
        }
        return Labels.around(img, title, rowLabels, (img.getHeight() - 1) / rows);
    }

    /** The majority-label table as Markdown: one row per open pot, one column per label. */
    public static String purityTable(ChannelStats.Purity purity, ChannelStats.Usage usage, boolean[] active,
                                     MixtureData data) {
        int labels = data.labelCount();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "NMI %.4f, purity %.4f, mean max responsibility %.4f, entropy %.4f nats%n%n",
                purity.nmi(), purity.purity(), usage.meanMaxResponsibility(), usage.meanEntropy()));
        sb.append("| pot | samples | majority label | its share |");
        for (int l = 0; l < labels; l++) sb.append(' ').append(l).append(" |");
        sb.append('\n').append("|---|---|---|---|");
        for (int l = 0; l < labels; l++) sb.append("---|");
        sb.append('\n');
        for (int k : Pots.list(active)) {
            long[] row = purity.table()[k];
            long total = 0;
            for (long v : row) total += v;
            int m = purity.majority()[k];
            sb.append(String.format(Locale.ROOT, "| %d | %d | %s | %s |", k, total,
                    m < 0 ? "—" : m + " " + data.labelName(m),
                    m < 0 ? "—" : String.format(Locale.ROOT, "%.2f", (double) row[m] / total)));
            for (long v : row) sb.append(' ').append(v).append(" |");
            sb.append('\n');
        }
        return sb.toString();
    }
}
