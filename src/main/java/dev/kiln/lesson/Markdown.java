package dev.kiln.lesson;

import java.util.List;

/** A Markdown document built section by section: headings, paragraphs, images and tables. */
final class Markdown {
    private final StringBuilder text = new StringBuilder();

    Markdown heading(int level, String title) {
        text.append("#".repeat(level)).append(' ').append(title).append("\n\n");
        return this;
    }

    Markdown paragraph(String p) {
        text.append(p.strip()).append("\n\n");
        return this;
    }

    /** An image by relative file name, with its alt text. */
    Markdown image(String alt, String file) {
        text.append("![").append(alt).append("](").append(file).append(")\n\n");
        return this;
    }

    /** A table: the first row is the header; every row has the header's number of cells. */
    Markdown table(List<List<String>> rows) {
        List<String> header = rows.get(0);
        text.append("| ").append(String.join(" | ", header)).append(" |\n|");
        for (int i = 0; i < header.size(); i++) text.append(i == 0 ? "---|" : "---:|");
        text.append('\n');
        for (List<String> row : rows.subList(1, rows.size())) {
            if (row.size() != header.size()) {
                throw new IllegalArgumentException("table row " + row + " has " + row.size() + " cells, header has "
                        + header.size());
            }
            text.append("| ").append(String.join(" | ", row)).append(" |\n");
        }
        text.append('\n');
        return this;
    }

    @Override
    public String toString() {
        return text.toString();
    }
}
