package dev.baton.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Left-aligned columns separated by two spaces, the width of the widest cell; no trailing blanks. */
final class TextTable {

    private final List<String[]> rows = new ArrayList<>();
    private final int columns;

    /** A table whose first row is {@code headers}. */
    TextTable(String... headers) {
        this.columns = headers.length;
        rows.add(headers);
    }

    private TextTable(int columns) {
        this.columns = columns;
    }

    /** A table without a header row, for aligned blocks such as "key  value" lines. */
    static TextTable headless(int columns) {
        return new TextTable(columns);
    }

    TextTable row(Object... cells) {
        if (cells.length != columns) {
            throw new IllegalArgumentException("expected " + columns + " cells, got " + cells.length);
        }
        // null means "no value" and shows as "-"; an empty string is a deliberately blank cell
        rows.add(Arrays.stream(cells).map(c -> c == null ? Formats.NONE : c.toString()).toArray(String[]::new));
        return this;
    }

    void print(PrintWriter out) {
        print(out, "");
    }

    /** Prints every row prefixed with {@code indent}, to nest a table under a heading. */
    void print(PrintWriter out, String indent) {
        int[] widths = new int[columns];
        for (String[] row : rows) {
            for (int i = 0; i < columns; i++) widths[i] = Math.max(widths[i], row[i].length());
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder(indent);
            for (int i = 0; i < columns; i++) {
                line.append(row[i]);
                if (i < columns - 1) line.append(" ".repeat(widths[i] - row[i].length() + 2));
            }
            out.println(line.toString().stripTrailing());
        }
    }
}
