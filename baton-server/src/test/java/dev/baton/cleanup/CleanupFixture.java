package dev.baton.cleanup;

import dev.baton.testing.MutableClock;
import dev.baton.engine.DataLayout;
import dev.baton.engine.EngineMetrics;
import dev.baton.engine.WorkspacePreparer;
import dev.baton.git.GitCli;
import dev.baton.shared.Ids;
import dev.baton.store.Database;
import dev.baton.store.DatabaseUrl;
import dev.baton.store.JdbcWorkflowRepository;
import dev.baton.store.PoolSettings;
import dev.baton.workflow.Checkpoint;
import dev.baton.workflow.RepositoryRef;
import dev.baton.workflow.Workflow;
import dev.baton.workflow.WorkflowStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Real files, a real git repository with real worktrees and the real SQLite repository; time is a {@link MutableClock}. */
final class CleanupFixture implements AutoCloseable {
    static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
    static final Duration TTL = Duration.ofHours(24);
    static final Duration ARCHIVE_AFTER = Duration.ofDays(7);
    static final Duration DELETE_AFTER = Duration.ofDays(30);
    static final Duration CHECKPOINT_RETENTION = Duration.ofDays(7);

    final DataLayout layout;
    final Database database;
    final JdbcWorkflowRepository repository;
    final GitCli git = new GitCli(Duration.ofSeconds(60));
    final WorkspacePreparer workspaces;
    final MutableClock clock = new MutableClock(T0);
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final CleanupMetrics metrics = new CleanupMetrics(meters);
    final Path app;
    final WorktreeCleanup worktrees;
    final ReportRetention reports;
    final CheckpointCleanup checkpoints;

    CleanupFixture(Path dataDir) {
        layout = DataLayout.under(dataDir);
        database = Database.open(DatabaseUrl.sqlite(dataDir.resolve("baton.db")), PoolSettings.defaults());
        repository = new JdbcWorkflowRepository(database);
        workspaces = new WorkspacePreparer(layout, git, new EngineMetrics(new SimpleMeterRegistry()));
        app = layout.gitRoot().resolve("app");
        git.init(app, Map.of("README.md", "# App\n"), "initial");
        worktrees = new WorktreeCleanup(repository, workspaces::removeWorktrees, layout, clock, TTL, metrics);
        reports = new ReportRetention(repository, layout, clock, ARCHIVE_AFTER, DELETE_AFTER, metrics);
        checkpoints = new CheckpointCleanup(repository, clock, CHECKPOINT_RETENTION, metrics);
    }

    /** A stored workflow over the {@code app} repository; finished ones get {@code finishedAt}. */
    Workflow workflow(WorkflowStatus status, Instant finishedAt) {
        String id = Ids.next("wf");
        Instant created = finishedAt == null ? T0 : finishedAt.minusSeconds(60);
        Workflow wf = new Workflow(id, "cleanup-test", status, "corr-" + id, List.of(new RepositoryRef("app", app)), List.of(), null, 0,
                created, finishedAt == null ? created : finishedAt, created, finishedAt, null);
        repository.create(wf);
        return wf;
    }

    /** The workflow with its real worktree on branch {@code baton/<id>}. */
    Workflow withWorktree(WorkflowStatus status, Instant finishedAt) {
        Workflow wf = workflow(status, finishedAt);
        workspaces.worktrees(wf);
        return wf;
    }

    boolean hasWorktree(Workflow wf) {
        return Files.isDirectory(layout.worktree(wf.id(), "app"));
    }

    boolean hasBranch(Workflow wf) throws IOException, InterruptedException {
        return !git(app, "branch", "--list", WorkspacePreparer.branch(wf.id())).isEmpty();
    }

    /** A report file whose modification time is {@code at}. */
    Path report(Workflow wf, String relative, String content, Instant at) throws IOException {
        Path f = layout.reportsDir(wf.id()).resolve(relative);
        Files.createDirectories(f.getParent());
        Files.writeString(f, content);
        Files.setLastModifiedTime(f, FileTime.from(at));
        return f;
    }

    Checkpoint invalidCheckpoint(Workflow wf, Instant invalidatedAt) {
        Checkpoint c = repository.addCheckpoint(new Checkpoint(Ids.next("cp"), wf.id(), "wk-a", 0, "app",
                "0123456789abcdef0123456789abcdef01234567", true, invalidatedAt.minusSeconds(60), null));
        repository.invalidateCheckpoints(wf.id(), List.of(c.id()), invalidatedAt);
        return c;
    }

    double removed(String kind) {
        return meters.get("cleanup.removed").tag("kind", kind).counter().count();
    }

    static String git(Path dir, String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("git", "-C", dir.toString()));
        argv.addAll(Arrays.asList(args));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) throw new IllegalStateException(argv + ": " + out);
        return out.trim();
    }

    @Override
    public void close() {
        database.close();
    }
}
