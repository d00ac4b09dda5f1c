package dev.baton.cli.client;

import java.util.List;

/**
 * Filters of {@code GET /workflows}.
 *
 * @param statuses status names (any of them matches); empty for all
 * @param name     case-insensitive text the name contains, or null
 */
public record WorkflowQuery(List<String> statuses, String name, int limit, int offset) {

    public WorkflowQuery {
        statuses = statuses == null ? List.of() : List.copyOf(statuses);
    }
}
