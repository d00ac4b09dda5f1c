package dev.baton.engine;

import dev.baton.agent.profile.AgentProfiles;
import dev.baton.shared.BatonException;
import dev.baton.spec.AtomicFiles;
import dev.baton.spec.SpecContext;
import dev.baton.spec.SpecDocument;
import dev.baton.spec.SpecParser;
import dev.baton.spec.StatusUpdate;
import dev.baton.spec.Submission;
import dev.baton.spec.SpecWriter;
import dev.baton.workflow.Workflow;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The file form of workflows: parses submitted specs against the data layout and the known agent
 * profiles, and keeps {@code specs/active/<id>.yaml} in step with the workflow (written atomically,
 * each rewrite with the next {@code version}, keeping the file's submissions).
 */
final class SpecFiles {
    private final DataLayout layout;
    private final AgentProfiles profiles;
    private final SpecParser parser = new SpecParser();

    SpecFiles(DataLayout layout, AgentProfiles profiles) {
        this.layout = layout;
        this.profiles = profiles;
    }

    private SpecContext context() {
        return SpecContext.of(layout.gitRoot(), layout.diffsDir(), profiles.names());
    }

    SpecDocument parse(String fileName, String content) {
        return parser.parse(fileName, content, context());
    }

    /** Writes the file form of a new workflow with the version and extra keys of the document it came from. */
    synchronized void create(SpecDocument doc, Workflow wf) {
        write(wf, doc.version(), doc.submissions(), doc.extra());
    }

    /**
     * Rewrites the file form with the workflow's current statuses and the next version. The workflow is
     * loaded under the same lock as {@link #delete}, so a rewrite never resurrects a deleted workflow's file.
     */
    synchronized void update(String workflowId, java.util.function.Function<String, java.util.Optional<Workflow>> load) {
        Workflow wf = load.apply(workflowId).orElse(null);
        if (wf == null) return;
        StatusUpdate current = current(wf.id());
        long version = current == null || current.version() == null ? 1 : current.version() + 1;
        write(wf, version, current == null ? List.of() : current.submissions(), Map.of());
    }

    synchronized void delete(String workflowId) {
        try {
            Files.deleteIfExists(layout.specFile(workflowId));
        } catch (IOException e) {
            throw new BatonException.Transient("spec.io", "cannot delete spec file of " + workflowId + ": " + e.getMessage(), e);
        }
    }

    private void write(Workflow wf, long version, List<Submission> submissions, Map<String, Object> extra) {
        String yaml = new SpecWriter(context()).write(wf, version, submissions, extra);
        try {
            Files.createDirectories(layout.specsDir());
        } catch (IOException e) {
            throw new BatonException.Transient("spec.io", "cannot create " + layout.specsDir() + ": " + e.getMessage(), e);
        }
        AtomicFiles.write(layout.specFile(wf.id()), yaml);
    }

    /** What the file says now; null when it is missing or unreadable (it is then written afresh). */
    private StatusUpdate current(String workflowId) {
        Path file = layout.specFile(workflowId);
        try {
            if (!Files.exists(file)) return null;
            return parser.parseStatusUpdate(file.getFileName().toString(), Files.readString(file), context());
        } catch (IOException | BatonException e) {
            return null;
        }
    }
}
