package dev.baton.coordination;

import dev.baton.engine.Correlation;
import dev.baton.engine.Engine;
import dev.baton.git.DiffApplier;
import dev.baton.git.DiffOutcome;
import dev.baton.shared.BatonException;
import dev.baton.spec.SpecPaths;
import dev.baton.spec.SpecYaml;
import dev.baton.spec.SubmissionStatus;
import dev.baton.spec.store.SpecPatch;
import dev.baton.spec.store.SpecSnapshot;
import dev.baton.spec.store.VersionedSpecFiles;
import dev.baton.workflow.RepositoryRef;
import dev.baton.workflow.Workflow;
import dev.baton.workflow.WorkflowRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The git manager of seed 000 §2.4: each diff a worker lists under {@code submissions} (still pending) is
 * applied to the workflow's feature branch and committed with the task id, and the verdict — the commit, or
 * why it was refused — is written back into that submission entry. One diff at a time, in arrival order.
 */
public final class DiffSubmissions implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DiffSubmissions.class);
    private final VersionedSpecFiles store;
    private final WorkflowRepository workflows;
    private final Engine engine;
    private final DiffApplier applier;
    private final Path diffsRoot;
    private final CoordinationMetrics metrics;
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final ExecutorService worker = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("git-manager").factory());

    public DiffSubmissions(VersionedSpecFiles store, WorkflowRepository workflows, Engine engine, DiffApplier applier,
                           Path diffsRoot, CoordinationMetrics metrics) {
        this.store = store;
        this.workflows = workflows;
        this.engine = engine;
        this.applier = applier;
        this.diffsRoot = diffsRoot;
        this.metrics = metrics;
    }

    /** Queues the pending submissions of this content of a spec (raw entries, so a bad path is recorded too). */
    void offer(String specId, SpecSnapshot s) {
        JsonNode list = SpecYaml.readTree(s.file().toString(), s.content()).path("submissions");
        for (JsonNode n : list) {
            String taskId = n.path("taskId").asString(null);
            String path = n.path("path").asString(null);
            String status = n.path("status").asString(null);
            if (taskId == null || path == null) continue;
            boolean pending = status == null || SubmissionStatus.fromWord(status).orElse(null) == SubmissionStatus.PENDING;
            String key = specId + "\u0000" + taskId + "\u0000" + path;
            if (pending && inFlight.add(key)) {
                worker.submit(() -> {
                    try {
                        apply(specId, s.file(), taskId, path);
                    } finally {
                        inFlight.remove(key);
                    }
                });
            }
        }
    }

    @SuppressWarnings("try") // correlation scopes are opened for their effect on the MDC only
    private void apply(String specId, Path specFile, String taskId, String rawPath) {
        String correlationId = workflows.find(specId).map(Workflow::correlationId).orElse(null);
        try (var ignored = Correlation.workflow(correlationId, specId); var task = Correlation.task(taskId)) {
            record(specId, specFile, taskId, rawPath);
        }
    }

    private void record(String specId, Path specFile, String taskId, String rawPath) {
        DiffOutcome outcome;
        try {
            outcome = applyDiff(specId, taskId, rawPath);
        } catch (BatonException e) {
            outcome = new DiffOutcome.Rejected(e.getMessage());
        } catch (RuntimeException e) {
            log.error("{}: applying the diff of {} failed unexpectedly", specId, taskId, e);
            outcome = new DiffOutcome.Rejected("internal error: " + e.getMessage());
        }
        SpecPatch.SubmissionOutcome verdict = switch (outcome) {
            case DiffOutcome.Applied a -> new SpecPatch.SubmissionOutcome(taskId, rawPath, SubmissionStatus.APPLIED.word(), a.commit(), null);
            case DiffOutcome.Rejected r -> new SpecPatch.SubmissionOutcome(taskId, rawPath, SubmissionStatus.FAILED.word(), null, r.reason());
        };
        metrics.diff(verdict.status());
        engine.specProgress().diffHandled(specId, taskId, rawPath, verdict.status(), verdict.commit(), verdict.reason());
        log.atInfo().addKeyValue("event", "DiffSubmission").addKeyValue("specId", specId).addKeyValue("taskId", taskId)
                .log("{}: diff {} of task {} {}{}", specId, rawPath, taskId, verdict.status(),
                        verdict.reason() != null ? ": " + verdict.reason() : " as " + verdict.commit());
        try {
            store.updateAsServer(specFile, SpecPatch.builder().submission(verdict).build());
        } catch (BatonException e) {
            log.warn("{}: cannot record the outcome of {}'s diff in the spec: {}", specId, taskId, e.getMessage());
        }
    }

    private DiffOutcome applyDiff(String specId, String taskId, String rawPath) {
        Workflow wf = workflows.find(specId).orElse(null);
        if (wf == null) return new DiffOutcome.Rejected("no workflow with id " + specId + " to apply it to");
        if (wf.repositories().isEmpty()) return new DiffOutcome.Rejected("workflow " + specId + " has no repository");
        Path diff = SpecPaths.requireInside(diffsRoot, rawPath);
        // Diffs apply to the workflow's first repository: paths in a diff are relative to one repository root.
        RepositoryRef repo = wf.repositories().getFirst();
        Map<String, Path> trees = engine.worktrees(specId);
        return applier.apply(repo.path(), "baton/" + specId, trees.get(repo.name()), diff, taskId, specId);
    }

    @Override
    public void close() {
        worker.shutdown();
    }
}
