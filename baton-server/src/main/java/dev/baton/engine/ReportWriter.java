package dev.baton.engine;

import dev.baton.agent.AgentResult;
import dev.baton.shared.BatonException;
import dev.baton.workflow.Task;
import dev.baton.workflow.Work;
import dev.baton.workflow.Workflow;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Writes the markdown Report a finished task leaves: query, answer, exit status, duration, files changed. */
public final class ReportWriter {
    private final DataLayout layout;

    public ReportWriter(DataLayout layout) {
        this.layout = layout;
    }

    public Path write(Workflow wf, Work work, Task task, AgentResult result, Map<String, List<String>> changedFiles) {
        Path file = layout.reportsDir(wf.id()).resolve("%02d-%s".formatted(work.sequence(), work.id()))
                .resolve("%02d-%s.md".formatted(task.order(), task.id()));
        var md = new StringBuilder(512 + task.query().length() + result.output().length());
        md.append("# ").append(task.id()).append(" — ").append(work.name()).append("\n\n");
        md.append("| | |\n|---|---|\n");
        row(md, "Workflow", wf.name() + " (`" + wf.id() + "`)");
        row(md, "Work", work.name() + " (`" + work.id() + "`, step " + (work.sequence() + 1) + " of " + wf.works().size() + ")");
        row(md, "Agent", "`" + work.agent() + "`" + (work.model() == null ? "" : ", model `" + work.model() + "`"));
        row(md, "Status", result.outcome().name());
        row(md, "Exit status", String.valueOf(result.exitCode()));
        row(md, "Duration", result.duration().toMillis() + " ms");
        row(md, "Correlation id", "`" + wf.correlationId() + "`");
        md.append("\n## Query\n\n").append(fenced(task.query()));
        md.append("\n## Agent output\n\n").append(fenced(result.output().isEmpty() ? "(no output)" : result.output()));
        if (!result.succeeded()) {
            if (result.error() != null) md.append("\n## Error\n\n").append(result.error()).append('\n');
            md.append("\n## Standard error (tail)\n\n").append(fenced(result.stderrTail().isEmpty() ? "(empty)" : result.stderrTail()));
        }
        md.append("\n## Files changed\n\n");
        int total = 0;
        for (var e : changedFiles.entrySet()) {
            for (String f : e.getValue()) {
                md.append("- `").append(e.getKey()).append('/').append(f).append("`\n");
                total++;
            }
        }
        if (total == 0) md.append("(none)\n");
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, md, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BatonException.Transient("report.io", "cannot write report " + file + ": " + e.getMessage(), e);
        }
        return file;
    }

    private static void row(StringBuilder md, String k, String v) {
        md.append("| ").append(k).append(" | ").append(v.replace("|", "\\|")).append(" |\n");
    }

    /** A fence longer than any backtick run inside, so agent output cannot close it early. */
    private static String fenced(String text) {
        int longest = 0, run = 0;
        for (int i = 0; i < text.length(); i++) {
            run = text.charAt(i) == '`' ? run + 1 : 0;
            longest = Math.max(longest, run);
        }
        String fence = "`".repeat(Math.max(3, longest + 1));
        return fence + "\n" + text + (text.endsWith("\n") ? "" : "\n") + fence + "\n";
    }
}
