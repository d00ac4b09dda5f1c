package dev.baton.dispatch;

import dev.baton.grpc.v1.StartAgent;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * What the workspace transfer keeps for one session of an own-workdir worker: the worktrees of its repositories,
 * the pushes already applied (a repeat is answered, not applied twice), and the fetches running (the start
 * timeout waits for them).
 */
final class SessionTransfers {
    private final StartAgent start;
    /** "task/repository" of the pushes applied. */
    private final Set<String> pushed = ConcurrentHashMap.newKeySet();
    /** Worktree → its main repository (whose lock a push takes), asked of git once. */
    private final Map<Path, Path> repositories = new ConcurrentHashMap<>();
    private final AtomicInteger fetching = new AtomicInteger();

    SessionTransfers(StartAgent start) {
        this.start = start;
    }

    /** The server's worktree of one of the session's repositories; empty when the session has no such repository. */
    Optional<Path> worktree(String repository) {
        return start.getRepositoriesList().contains(repository) ? Optional.of(WorkspaceOffer.worktree(start, repository)) : Optional.empty();
    }

    boolean pushed(String taskId, String repository) {
        return pushed.contains(taskId + "/" + repository);
    }

    void markPushed(String taskId, String repository) {
        pushed.add(taskId + "/" + repository);
    }

    Path repositoryOf(Path worktree, Function<Path, Path> ask) {
        return repositories.computeIfAbsent(worktree, ask);
    }

    void fetchStarted() {
        fetching.incrementAndGet();
    }

    void fetchEnded() {
        fetching.decrementAndGet();
    }

    boolean fetching() {
        return fetching.get() > 0;
    }
}
