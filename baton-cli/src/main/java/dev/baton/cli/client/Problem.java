package dev.baton.cli.client;

import java.util.ArrayList;
import java.util.List;

/**
 * An RFC 9457 {@code application/problem+json} body, with Baton's {@code code} and {@code problems} extensions.
 */
public record Problem(String type, String title, Integer status, String detail, String code, List<Entry> problems) {

    public Problem {
        problems = problems == null ? List.of() : List.copyOf(problems);
    }

    /** What the user should read first: the detail, else the title, else the bare status. */
    public String summary() {
        if (detail != null && !detail.isBlank()) return detail;
        if (title != null && !title.isBlank()) return title;
        return "HTTP " + status;
    }

    /** One located complaint about a spec or request, e.g. a field of a spec file. */
    public record Entry(String file, Integer line, Integer column, String field, String message) {

        /**
         * {@code file:line:column: field: message}, the shape compilers use so editors can jump to it.
         * Parts the server left out are skipped; {@code fallbackFile} names the local file when the server
         * only saw the request body.
         */
        public String format(String fallbackFile) {
            List<String> parts = new ArrayList<>();
            String where = file != null && !file.isBlank() ? file : fallbackFile;
            if (where != null) {
                StringBuilder location = new StringBuilder(where);
                if (line != null) {
                    location.append(':').append(line);
                    if (column != null) location.append(':').append(column);
                }
                parts.add(location.toString());
            }
            if (field != null && !field.isBlank()) parts.add(field);
            parts.add(message == null ? "invalid" : message);
            return String.join(": ", parts);
        }
    }
}
