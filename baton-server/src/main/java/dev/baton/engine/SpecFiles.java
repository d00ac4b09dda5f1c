package dev.baton.engine;

import dev.baton.agent.profile.AgentProfiles;
import dev.baton.shared.BatonException;
import dev.baton.spec.AtomicFiles;
import dev.baton.spec.SpecContext;
import dev.baton.spec.SpecDocument;
import dev.baton.spec.SpecParser;
import dev.baton.spec.SpecWriter;
import dev.baton.workflow.Workflow;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

/**
 * The file form of workflows: parses submitted specs against the data layout and the known agent
 * profiles, and keeps {@code specs/active/<id>.yaml} in step with the workflow (written atomically).
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

    /** Writes the workflow's file form; {@code doc} (may be null) contributes submissions and unknown keys to keep. */
    void write(SpecDocument doc, Workflow wf) {
        long version = doc != null ? doc.version() : currentVersion(wf) + 1;
        String yaml = new SpecWriter(context()).write(wf, version,
                doc != null ? doc.submissions() : List.of(), doc != null ? doc.extra() : Map.of());
        try {
            Files.createDirectories(layout.specsDir());
        } catch (IOException e) {
            throw new BatonException.Transient("spec.io", "cannot create " + layout.specsDir() + ": " + e.getMessage(), e);
        }
        AtomicFiles.write(layout.specFile(wf.id()), yaml);
    }

    private long currentVersion(Workflow wf) {
        try {
            var file = layout.specFile(wf.id());
            if (!Files.exists(file)) return 0;
            Long v = parser.parseStatusUpdate(file.getFileName().toString(), Files.readString(file), context()).version();
            return v == null ? 0 : v;
        } catch (IOException | BatonException e) {
            return 0;
        }
    }

    void delete(String workflowId) {
        try {
            Files.deleteIfExists(layout.specFile(workflowId));
        } catch (IOException e) {
            throw new BatonException.Transient("spec.io", "cannot delete spec file of " + workflowId + ": " + e.getMessage(), e);
        }
    }
}
