package io.bpfring.sinks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How the {@code stdout} sink draws a table: a header line, then one line per record (without
 * newlines). A tool with its own columns (execsnoop's TIME EVENT PID COMM FILENAME, or a BTF
 * decoder's rows) passes its own; {@link #generic()} makes columns of the first record's fields.
 */
public interface TableFormat {
    /**
     * The header line, given the first record (which is then printed with {@link #row}); by
     * default {@link #header()}.
     */
    default String header(SinkRecord first) {
        return header();
    }

    /**
     * The header line of a table whose columns are known before any record (a tool's own): the
     * sink prints it as soon as it runs, so a run that sees no record still shows it. {@code null}
     * (the default) when the first record decides the columns.
     */
    default String header() {
        return null;
    }

    /** The record's line. */
    String row(SinkRecord record);

    /**
     * Columns named after the first record's fields in capitals, each as wide as its name or
     * first value (at least 8), two spaces apart; the last column is not padded. Nested values
     * are shown as JSON.
     */
    static TableFormat generic() {
        return new TableFormat() {
            private List<String> names = List.of();
            private int[] widths = new int[0];

            @Override
            public String header(SinkRecord first) {
                Map<String, Object> fields = first.fields();
                names = List.copyOf(fields.keySet());
                widths = new int[names.size()];
                List<String> titles = new ArrayList<>();
                int i = 0;
                for (Map.Entry<String, Object> e : fields.entrySet()) {
                    widths[i++] = Math.max(8, Math.max(e.getKey().length(), cell(e.getValue()).length()));
                    titles.add(e.getKey().toUpperCase(Locale.ROOT));
                }
                return line(titles);
            }

            @Override
            public String row(SinkRecord record) {
                Map<String, Object> fields = record.fields();
                List<String> cells = new ArrayList<>(names.size());
                for (String name : names) {
                    cells.add(fields.containsKey(name) ? cell(fields.get(name)) : "");
                }
                return line(cells);
            }

            private String line(List<String> cells) {
                StringBuilder out = new StringBuilder();
                for (int i = 0; i < cells.size(); i++) {
                    String cell = cells.get(i);
                    out.append(cell);
                    if (i < cells.size() - 1) {
                        out.repeat(' ', Math.max(0, widths[i] - cell.length()) + 2);
                    }
                }
                return out.toString();
            }

            private static String cell(Object value) {
                if (value instanceof Map || value instanceof List) {
                    StringBuilder json = new StringBuilder();
                    Json.value(value, json);
                    return json.toString();
                }
                return String.valueOf(value);
            }
        };
    }
}
