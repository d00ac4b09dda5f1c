package dev.baton.agent.process;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Remembers every running agent process in a folder, one small JSON file per process, so that after a
 * server crash the next start can find and kill the agents the dead server left behind
 * ({@link #reapOrphans}). A recorded process is only killed when its start instant still matches, so a
 * pid the kernel has since given to an unrelated process is never touched.
 */
public final class AgentProcessRegistry {
    /**
     * The start instant is derived from /proc in clock ticks, and two JVMs may round it differently, so
     * instants this close count as the same process. For a recycled pid to match, the kernel would have
     * to wrap around the whole pid space within this second, and the command must match as well.
     */
    private static final Duration START_TOLERANCE = Duration.ofSeconds(1);

    private static final Logger log = LoggerFactory.getLogger(AgentProcessRegistry.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Path folder;
    /** Pids recorded by this instance: ours, alive, never orphans. */
    private final Set<Long> own = ConcurrentHashMap.newKeySet();

    /** @param folder where the records live, e.g. {@code <dataDir>/run/agents}; created when needed */
    public AgentProcessRegistry(Path folder) {
        this.folder = folder;
    }

    /** A registry that records nothing, for tools and tests that run agents without a data folder. */
    public static AgentProcessRegistry disabled() {
        return new AgentProcessRegistry(null);
    }

    /** One recorded agent process. */
    public record AgentProcessRecord(long pid, Instant startedAt, String command, String workflowId) {
    }

    /**
     * Records a just-started process and forgets it when it exits. A failure to write is logged, not
     * thrown: losing orphan reaping must not stop the agent from running.
     */
    public void record(ProcessHandle process, String workflowId) {
        if (folder == null) return;
        ProcessHandle.Info info = process.info();
        Optional<Instant> startedAt = info.startInstant();
        if (startedAt.isEmpty()) {
            // A process that already exited has nothing left to reap; only a live one is worth a warning.
            if (process.isAlive()) log.warn("cannot record agent process {}: its start instant is unknown", process.pid());
            return;
        }
        var entry = new AgentProcessRecord(process.pid(), startedAt.get(), info.command().orElse(null), workflowId);
        try {
            write(entry);
            own.add(entry.pid());
        } catch (IOException | JacksonException e) {
            log.warn("cannot record agent process {} in {}", process.pid(), folder, e);
            return;
        }
        process.onExit().thenRun(() -> forget(entry.pid()));
    }

    /** The processes recorded now, by this server or a previous one. */
    public List<AgentProcessRecord> recorded() {
        List<AgentProcessRecord> records = new ArrayList<>();
        for (Path file : files()) read(file).ifPresent(records::add);
        return records;
    }

    /**
     * Kills (with their process trees) the recorded processes that are still alive and really are the
     * processes that were recorded, deletes all records not made by this instance, and returns the
     * processes it killed. Call it once at server start, before any agent starts.
     */
    public List<AgentProcessRecord> reapOrphans(Duration stopTimeout) {
        List<AgentProcessRecord> orphans = new ArrayList<>();
        for (Path file : files()) {
            Optional<AgentProcessRecord> entry = read(file);
            if (entry.isPresent() && own.contains(entry.get().pid())) continue;
            entry.filter(AgentProcessRegistry::stillRunning).ifPresent(orphans::add);
            delete(file);
        }
        // Kill in parallel: each kill may wait the whole stop timeout for a process ignoring SIGTERM.
        try (ExecutorService killers = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> kills = new ArrayList<>();
            for (AgentProcessRecord orphan : orphans) {
                ProcessHandle.of(orphan.pid()).ifPresent(handle -> kills.add(killers.submit(() -> ProcessTree.kill(handle, stopTimeout))));
                log.warn("killing orphaned agent process {} ({}) of workflow {}", orphan.pid(), orphan.command(), orphan.workflowId());
            }
        }
        return orphans;
    }

    private static boolean stillRunning(AgentProcessRecord entry) {
        Optional<ProcessHandle> handle = ProcessHandle.of(entry.pid()).filter(ProcessTree::isRunning);
        if (handle.isEmpty()) return false;
        ProcessHandle.Info info = handle.get().info();
        boolean sameStart = info.startInstant()
                .map(started -> Duration.between(started, entry.startedAt()).abs().compareTo(START_TOLERANCE) <= 0)
                .orElse(false);
        // The start instant alone identifies the process: a script's command changes when its
        // `#!/usr/bin/env bash` line execs the interpreter, so the recorded command is only for the log.
        return sameStart;
    }

    /** An agent process that exits on its own, with a non-zero code, within this time of its start crashed. */
    public static final Duration CRASH_WINDOW = Duration.ofSeconds(10);
    private volatile Runnable onCrash = () -> { };

    /** Called for every agent process that crashes (see {@link #CRASH_WINDOW}), e.g. to count it. */
    public void onCrash(Runnable listener) {
        this.onCrash = listener;
    }

    /** An agent process exited after {@code lived}; {@code killed} when Baton stopped it. */
    void exited(Duration lived, int exitCode, boolean killed) {
        if (!killed && exitCode != 0 && lived.compareTo(CRASH_WINDOW) < 0) {
            log.warn("agent process exited with code {} {} ms after its start", exitCode, lived.toMillis());
            onCrash.run();
        }
    }

    void forget(long pid) {
        own.remove(pid);
        if (folder != null) delete(folder.resolve(pid + ".json"));
    }

    private void write(AgentProcessRecord entry) throws IOException {
        Files.createDirectories(folder);
        Path file = folder.resolve(entry.pid() + ".json");
        Path temporary = folder.resolve(entry.pid() + ".json.tmp");
        Files.write(temporary, JSON.writeValueAsBytes(entry));
        try {
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private List<Path> files() {
        if (folder == null || !Files.isDirectory(folder)) return List.of();
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(folder, "*.json")) {
            dir.forEach(files::add);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list agent process records in " + folder, e);
        }
        return files;
    }

    private static Optional<AgentProcessRecord> read(Path file) {
        try {
            return Optional.of(JSON.readValue(Files.readAllBytes(file), AgentProcessRecord.class));
        } catch (IOException | JacksonException e) {
            log.warn("ignoring unreadable agent process record {}: {}", file, e.toString());
            return Optional.empty();
        }
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.warn("cannot delete agent process record {}", file, e);
        }
    }
}
