package dev.baton.shared;

/**
 * One thing wrong with an input, located as precisely as the input allows.
 *
 * @param file   the file (or "request body") the problem is in, may be null
 * @param line   1-based line, 0 when unknown
 * @param column 1-based column, 0 when unknown
 * @param field  the field path, e.g. {@code works[1].agent}, may be null
 * @param message what is wrong
 */
public record Problem(String file, int line, int column, String field, String message) {

    public static Problem at(String field, String message) {
        return new Problem(null, 0, 0, field, message);
    }

    /** {@code file:line:column: field: message}, leaving out what is unknown. */
    @Override
    public String toString() {
        var sb = new StringBuilder();
        if (file != null) {
            sb.append(file);
            if (line > 0) {
                sb.append(':').append(line);
                if (column > 0) sb.append(':').append(column);
            }
            sb.append(": ");
        }
        if (field != null && !field.isEmpty()) sb.append(field).append(": ");
        return sb.append(message).toString();
    }
}
