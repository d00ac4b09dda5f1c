package dev.baton.cli;

import dev.baton.cli.client.EventView;
import dev.baton.cli.client.WorkflowView;
import tools.jackson.databind.JsonNode;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One progress line per event for people watching a run, e.g. {@code 12:00:01 WorkStarted wk-plan (1/2)}.
 * Field names follow {@code dev.baton.workflow.WorkflowEvent}; unknown event types still print, with
 * their raw payload, so a newer server never makes the CLI go quiet.
 */
final class EventLine {

    private final ZoneId zone;
    private final int workCount;
    private final Map<String, String> workNames;

    EventLine(WorkflowView workflow, ZoneId zone) {
        this.zone = zone;
        this.workCount = workflow.works().size();
        this.workNames = workflow.works().stream()
                .collect(Collectors.toMap(WorkflowView.WorkView::id, w -> Formats.orNone(w.name()), (a, b) -> a));
    }

    String format(EventView event) {
        String details = details(event);
        String line = Formats.time(event.occurredAt(), zone) + " " + event.type();
        return details.isEmpty() ? line : line + " " + details;
    }

    private String details(EventView e) {
        return switch (e.type()) {
            case "WorkflowCreated" -> e.text("name") + " (" + e.number("workCount", 0) + " works, "
                    + e.number("taskCount", 0) + " tasks)";
            case "WorkflowStarted", "WorkflowResumed" -> e.number("fromSequence", 0) > 0
                    ? "from work " + (e.number("fromSequence", 0) + 1) + "/" + workCount : "";
            case "WorkflowPaused" -> e.text("reason") == null ? "" : e.text("reason");
            case "WorkflowCompleted", "WorkCompleted" -> join(work(e), duration(e));
            case "WorkflowFailed" -> Formats.oneLine(e.text("error"), 200);
            case "WorkStarted" -> work(e) + " (" + (e.number("sequence", 0) + 1) + "/" + workCount + ")" + workName(e);
            case "WorkFailed" -> work(e) + ": " + Formats.oneLine(e.text("error"), 200);
            case "QuerySent" -> task(e) + (e.number("queryLength", -1) >= 0 ? " (" + e.number("queryLength", 0) + " chars)" : "");
            case "QueryResponded" -> join(task(e), e.text("exitCode") == null ? "" : "exit=" + e.text("exitCode"), duration(e));
            case "TaskFailed" -> task(e) + ": " + Formats.oneLine(e.text("error"), 200);
            case "ReportGenerated" -> Formats.orNone(e.text("path"));
            case "CheckpointCreated" -> commits(e.payload().path("commits"));
            case "CheckpointsInvalidated" -> list(e.payload().path("checkpointIds"));
            case "WorksReordered" -> list(e.payload().path("workIds"));
            case "TaskUpdatedFromSpec" -> task(e) + " " + e.text("field") + ": " + Formats.orNone(e.text("from")) + " → " + Formats.orNone(e.text("to"));
            case "DiffSubmissionHandled" -> join(task(e), Formats.orNone(e.text("path")), e.text("outcome"),
                    e.text("commit") != null ? Formats.shortSha(e.text("commit")) : Formats.oneLine(e.text("reason"), 200));
            case "WorkflowCancelled", "WorkflowDeleted" -> "";
            default -> e.payload().isObject() ? e.payload().toString() : "";
        };
    }

    private static String work(EventView e) {
        return e.text("workId") == null ? "" : e.text("workId");
    }

    private String workName(EventView e) {
        String name = workNames.get(work(e));
        return name == null || name.equals(work(e)) || name.equals(Formats.NONE) ? "" : " " + name;
    }

    /** {@code wk-plan/TASK-001}, or whichever half the event has. */
    private static String task(EventView e) {
        String work = e.text("workId");
        String task = e.text("taskId");
        if (work == null) return Formats.orNone(task);
        return task == null ? work : work + "/" + task;
    }

    private static String duration(EventView e) {
        long ms = e.number("durationMs", -1);
        return ms < 0 ? "" : Formats.duration(ms);
    }

    /** {@code app=abc1234 lib=def5678}: one short sha per repository. */
    private static String commits(JsonNode commits) {
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, JsonNode> entry : commits.properties()) {
            parts.add(entry.getKey() + "=" + Formats.shortSha(entry.getValue().asString()));
        }
        return String.join(" ", parts);
    }

    private static String list(JsonNode array) {
        List<String> parts = new ArrayList<>();
        for (JsonNode item : array) parts.add(item.asString());
        return String.join(", ", parts);
    }

    private static String join(String... parts) {
        List<String> present = new ArrayList<>();
        for (String part : parts) if (part != null && !part.isEmpty()) present.add(part);
        return String.join(" ", present);
    }
}
