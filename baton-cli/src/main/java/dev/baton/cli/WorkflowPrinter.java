package dev.baton.cli;

import dev.baton.cli.client.CheckpointView;
import dev.baton.cli.client.ReportView;
import dev.baton.cli.client.WorkflowView;
import dev.baton.cli.client.WorkflowView.TaskView;
import dev.baton.cli.client.WorkflowView.WorkView;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** The human layouts of one workflow: {@code workflow show}'s full view and {@code run --follow}'s summary. */
final class WorkflowPrinter {

    private final PrintWriter out;
    private final Clock clock;
    private final ZoneId zone;

    WorkflowPrinter(PrintWriter out, CliEnvironment environment) {
        this.out = out;
        this.clock = environment.clock();
        this.zone = environment.zone();
    }

    void show(WorkflowView wf, List<ReportView> reports, List<CheckpointView> checkpoints) {
        out.println(wf.id() + "  " + Formats.orNone(wf.name()));
        TextTable header = TextTable.headless(2)
                .row("status", wf.status())
                .row("created", Formats.dateTime(wf.createdAt(), zone))
                .row("started", Formats.dateTime(wf.startedAt(), zone))
                .row("finished", Formats.dateTime(wf.finishedAt(), zone))
                .row("duration", Formats.elapsed(wf.startedAt(), wf.finishedAt(), clock))
                .row("repositories", wf.repositories().stream()
                        .map(r -> r.name() + " (" + r.path() + ")").collect(Collectors.joining(", ")))
                .row("spec", wf.specPath())
                .row("correlation", wf.correlationId());
        if (wf.error() != null) header.row("error", Formats.oneLine(wf.error(), 300));
        header.print(out, "  ");

        out.println();
        out.println("Works (" + wf.worksDone() + "/" + wf.works().size() + " completed, tasks "
                + wf.tasksDone() + "/" + wf.taskCount() + ")");
        if (wf.works().isEmpty()) {
            out.println("  none");
        } else {
            tree(wf.works()).print(out, "  ");
        }

        out.println();
        out.println("Checkpoints (" + checkpoints.size() + ")");
        if (!checkpoints.isEmpty()) {
            TextTable table = new TextTable("ID", "WORK", "REPOSITORY", "COMMIT", "VALID", "CREATED");
            for (CheckpointView c : checkpoints) {
                table.row(c.id(), c.workId(), c.repository(), Formats.shortSha(c.commitSha()),
                        c.valid() ? "yes" : "no (since " + Formats.dateTime(c.invalidatedAt(), zone) + ")",
                        Formats.dateTime(c.createdAt(), zone));
            }
            table.print(out, "  ");
        }

        out.println();
        out.println("Reports (" + reports.size() + ")");
        if (!reports.isEmpty()) {
            TextTable table = new TextTable("ID", "WORK", "TASK", "PATH", "CREATED");
            for (ReportView r : reports) {
                table.row(r.id(), r.workId(), r.taskId(), r.path(), Formats.dateTime(r.createdAt(), zone));
            }
            table.print(out, "  ");
        }
        out.flush();
    }

    /** Works and their tasks in one table, so statuses and timings line up across the whole tree. */
    private TextTable tree(List<WorkView> works) {
        TextTable table = new TextTable("WORK / TASK", "NAME / QUERY", "STATUS", "TIME", "DETAIL");
        for (WorkView work : works) {
            table.row((work.sequence() + 1) + ". " + work.id(), work.name(), work.status(),
                    Formats.elapsed(work.startedAt(), work.finishedAt(), clock), workDetail(work));
            for (int i = 0; i < work.tasks().size(); i++) {
                TaskView task = work.tasks().get(i);
                String branch = i == work.tasks().size() - 1 ? "   └─ " : "   ├─ ";
                table.row(branch + task.id(), Formats.oneLine(task.query(), 48), task.status(),
                        Formats.elapsed(task.startedAt(), task.finishedAt(), clock), taskDetail(task));
            }
        }
        return table;
    }

    private static String workDetail(WorkView work) {
        List<String> parts = new ArrayList<>();
        parts.add(work.model() == null ? work.agent() : work.agent() + "/" + work.model());
        if (!work.mcpServers().isEmpty()) parts.add("mcp: " + String.join(",", work.mcpServers().stream().map(WorkflowView.McpRefView::name).toList()));
        if (work.error() != null) parts.add("error: " + Formats.oneLine(work.error(), 120));
        return String.join("  ", parts);
    }

    private static String taskDetail(TaskView task) {
        List<String> parts = new ArrayList<>();
        if (task.exitCode() != null) parts.add("exit=" + task.exitCode());
        if (task.attempts() > 1) parts.add("attempts=" + task.attempts());
        if (task.assignedTo() != null) parts.add("agent " + task.assignedTo());
        if (task.error() != null) parts.add("error: " + Formats.oneLine(task.error(), 120));
        return String.join("  ", parts);
    }

    /** What {@code run --follow} prints once the run stops, with the command to go on where relevant. */
    void summary(WorkflowView wf, List<ReportView> reports, List<CheckpointView> checkpoints) {
        out.println();
        out.println(wf.id() + " " + wf.status() + " after " + Formats.elapsed(wf.startedAt(), wf.finishedAt(), clock));
        TextTable table = TextTable.headless(2)
                .row("works", wf.worksDone() + "/" + wf.works().size() + " completed")
                .row("tasks", wf.tasksDone() + "/" + wf.taskCount() + " completed")
                .row("reports", reports.size())
                .row("checkpoints", checkpoints.size() + " (" + checkpoints.stream().filter(CheckpointView::valid).count() + " valid)");
        if (wf.error() != null) table.row("error", Formats.oneLine(wf.error(), 300));
        table.print(out, "  ");
        switch (wf.status()) {
            case "PAUSED" -> out.println("Resume with: baton workflow resume " + wf.id());
            case "FAILED" -> out.println("Details: baton workflow show " + wf.id()
                    + "   (resume after a fix: baton workflow resume " + wf.id() + ")");
            default -> {
            }
        }
        out.flush();
    }
}
