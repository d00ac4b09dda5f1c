package dev.baton.cli.client;

import java.util.List;

/** One page of {@code GET /workflows}. */
public record WorkflowPage(List<WorkflowView> items, int limit, int offset) {

    public WorkflowPage {
        items = items == null ? List.of() : List.copyOf(items);
    }
}
