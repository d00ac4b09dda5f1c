package dev.baton.cli.client;

import java.util.LinkedHashMap;
import java.util.Map;

/** Filters of {@code baton logs}; null means no filter. */
public record LogsQuery(String level, String source, String task) {

    Map<String, String> params(long after, Integer limit) {
        Map<String, String> p = new LinkedHashMap<>();
        if (after > 0) p.put("after", Long.toString(after));
        if (limit != null) p.put("limit", Integer.toString(limit));
        if (level != null && !level.isBlank()) p.put("level", level);
        if (source != null && !source.isBlank()) p.put("source", source);
        if (task != null && !task.isBlank()) p.put("task", task);
        return p;
    }
}
