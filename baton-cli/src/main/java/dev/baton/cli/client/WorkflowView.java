package dev.baton.cli.client;

import java.time.Instant;
import java.util.List;

/**
 * The client's view of a server {@code Workflow}. Statuses stay strings so that a newer server with more
 * statuses never breaks an older CLI; unknown JSON fields are ignored by {@link BatonClient}'s mapper.
 */
public record WorkflowView(String id, String name, String status, String correlationId,
                           List<RepositoryView> repositories, List<WorkView> works, String specPath, long version,
                           Instant createdAt, Instant updatedAt, Instant startedAt, Instant finishedAt, String error) {

    public WorkflowView {
        repositories = repositories == null ? List.of() : List.copyOf(repositories);
        works = works == null ? List.of() : List.copyOf(works);
    }

    /** COMPLETED, FAILED and CANCELLED: nothing runs any more unless someone resumes a FAILED run. */
    public boolean hasEnded() {
        return "COMPLETED".equals(status) || "FAILED".equals(status) || "CANCELLED".equals(status);
    }

    public long worksDone() {
        return works.stream().filter(w -> "COMPLETED".equals(w.status())).count();
    }

    public int taskCount() {
        return works.stream().mapToInt(w -> w.tasks().size()).sum();
    }

    public long tasksDone() {
        return works.stream().mapToLong(WorkView::tasksDone).sum();
    }

    public record RepositoryView(String name, String path) {
    }

    public record WorkView(String id, String workflowId, int sequence, String name, String agent, String model,
                           List<McpRefView> mcpServers, String status, List<TaskView> tasks, long version,
                           Instant startedAt, Instant finishedAt, String error) {

        public WorkView {
            mcpServers = mcpServers == null ? List.of() : List.copyOf(mcpServers);
            tasks = tasks == null ? List.of() : List.copyOf(tasks);
        }

        public long tasksDone() {
            return tasks.stream().filter(t -> "COMPLETED".equals(t.status())).count();
        }
    }

    /** A work's MCP server reference; the server sends the override values as written (the CLI shows only the name). */
    public record McpRefView(String name, java.util.Map<String, String> envOverrides) {
    }

    public record TaskView(String id, String workflowId, String workId, int order, String query, String assignedTo,
                           String status, int attempts, Instant startedAt, Instant finishedAt, Integer exitCode,
                           String error, long version) {
    }
}
