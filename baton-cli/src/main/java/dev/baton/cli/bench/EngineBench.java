package dev.baton.cli.bench;

import dev.baton.cli.bench.OverheadTimeline.TaskTiming;
import dev.baton.engine.EngineSettings;
import dev.baton.engine.WorkflowService;
import dev.baton.workflow.WorkflowStatus;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToLongFunction;

/**
 * {@code baton bench engine}: the orchestration overhead per task of one long workflow, many workflows at
 * once, and the idle memory of the server. Each part runs on an engine of its own in a folder of its own.
 */
final class EngineBench {

    /**
     * @param works              works of the measured workflow
     * @param tasksPerWork       tasks per work of the measured workflow
     * @param warmupTasks        tasks of the discarded warm-up workflow (0: none)
     * @param workflows          workflows started at once in the concurrency part
     * @param tasksPerWorkflow   noop tasks of each of those (one work)
     * @param timeout            longest wait for one run (the overhead workflow, or all concurrent workflows)
     */
    record Config(int works, int tasksPerWork, int warmupTasks, int workflows, int tasksPerWorkflow, Duration timeout) {
        int tasks() {
            return works * tasksPerWork;
        }
    }

    /** A run that could not be measured (a workflow failed or did not finish in time). */
    static final class BenchFailure extends Exception {
        private static final long serialVersionUID = 1L;

        BenchFailure(String message) {
            super(message);
        }
    }

    /** Part 1: overhead per task. All stats in milliseconds. */
    record OverheadResult(int works, int tasksPerWork, int warmupTasks, long createNanos, long wallNanos, int measuredTasks, int incomplete,
                          Stats overhead, Stats overheadNotFirst, Stats overheadFirst, Stats agent, Stats interval,
                          Map<String, Stats> phases, Stats checkpoint, Map<String, Stats> gitCommands) {

        double wallSeconds() {
            return wallNanos / 1e9;
        }

        double tasksPerSecond() {
            return works * tasksPerWork / wallSeconds();
        }
    }

    /**
     * Part 2: many workflows at once.
     *
     * @param exceptions    create/start/get calls that threw
     * @param failed        workflows that ended in another status than COMPLETED
     * @param notFinished   workflows still not ended when the timeout ran out
     * @param errorLogLines ERROR lines the engine logged meanwhile (an exception inside a run; usually the cause of
     *                      a failed workflow, so not added to {@link #errors()}, but any of them is a MISS)
     */
    record ConcurrencyResult(String label, int workflows, int tasksPerWorkflow, int workflowMaxConcurrent, int agentMaxConcurrent,
                             int completed, int failed, int notFinished, int exceptions, int errorLogLines, List<String> errorMessages,
                             List<String> errorLogMessages, long createNanos, long wallNanos) {

        /** Exceptions thrown to the caller, workflows that ended other than COMPLETED, workflows that did not end. */
        int errors() {
            return exceptions + failed + notFinished;
        }

        boolean clean() {
            return errors() == 0 && errorLogLines == 0;
        }

        double wallSeconds() {
            return wallNanos / 1e9;
        }

        double tasksPerSecond() {
            return completed * tasksPerWorkflow / wallSeconds();
        }
    }

    private final Config config;
    private final Path projectRoot;
    private final Path workDir;
    private final PrintWriter progress;
    private final BenchLogging logging;

    EngineBench(Config config, Path projectRoot, Path workDir, PrintWriter progress, BenchLogging logging) {
        this.config = config;
        this.projectRoot = projectRoot;
        this.workDir = workDir;
        this.progress = progress;
        this.logging = logging;
    }

    // ---------------------------------------------------------------------------------------------- overhead

    OverheadResult overhead() throws Exception {
        try (BenchEngine be = new BenchEngine(workDir.resolve("overhead"), projectRoot, EngineSettings.defaults())) {
            if (config.warmupTasks() > 0) {
                int warmWorks = config.warmupTasks() >= 2 ? 2 : 1;
                int perWork = (config.warmupTasks() + warmWorks - 1) / warmWorks;
                progress.printf("  warm-up: %d works × %d tasks (discarded) ...%n", warmWorks, perWork);
                progress.flush();
                Run warm = runOne(be, "bench-warmup", warmWorks, perWork);
                progress.printf("  warm-up done in %.1f s%n", warm.wallNanos / 1e9);
                be.drainMarks();
                be.drainGitCommands();
            }
            progress.printf("  measured: %d works × %d tasks ...%n", config.works(), config.tasksPerWork());
            progress.flush();
            Run run = runOne(be, "bench-overhead", config.works(), config.tasksPerWork());
            OverheadTimeline.Result timeline = OverheadTimeline.build(be.drainMarks());
            Map<String, Stats> git = new LinkedHashMap<>();
            be.drainGitCommands().forEach((sub, ms) -> git.put(sub, Stats.of(ms)));
            List<TaskTiming> all = timeline.tasks();
            if (all.size() != config.tasks()) {
                progress.printf("  note: %d of %d tasks have a complete timeline (%d incomplete)%n", all.size(), config.tasks(), timeline.incomplete());
            }
            Map<String, Stats> phases = new LinkedHashMap<>();
            List<TaskTiming> rest = timeline.notFirstOfWork();
            phases.put("beforeQuery", ms(rest, TaskTiming::beforeQueryNanos));
            phases.put("dispatch", ms(rest, TaskTiming::dispatchNanos));
            phases.put("respond", ms(rest, TaskTiming::respondNanos));
            phases.put("report", ms(rest, TaskTiming::reportNanos));
            Stats checkpoint = Stats.of(timeline.boundaries().stream().map(b -> b.checkpointNanos() / 1e6).toList());
            return new OverheadResult(config.works(), config.tasksPerWork(), config.warmupTasks(), run.createNanos, run.wallNanos,
                    all.size(), timeline.incomplete(),
                    ms(all, TaskTiming::overheadNanos), ms(rest, TaskTiming::overheadNanos), ms(timeline.firstOfWork(), TaskTiming::overheadNanos),
                    ms(all, TaskTiming::agentNanos), ms(all, TaskTiming::intervalNanos), phases, checkpoint, git);
        }
    }

    private static Stats ms(List<TaskTiming> tasks, ToLongFunction<TaskTiming> nanos) {
        return Stats.of(tasks.stream().mapToDouble(t -> nanos.applyAsLong(t) / 1e6).toArray());
    }

    private record Run(long createNanos, long wallNanos) {
    }

    /** Creates and starts one workflow and waits for its end; wall time from start() to WorkflowCompleted. */
    private Run runOne(BenchEngine be, String idPrefix, int works, int tasksPerWork) throws Exception {
        WorkflowService workflows = be.engine().workflows();
        String id = idPrefix + "-" + Long.toString(System.nanoTime(), 36);
        String spec = BenchEngine.spec(id, "Benchmark " + idPrefix, works, tasksPerWork);
        long c0 = System.nanoTime();
        workflows.create(id + ".yaml", spec);
        long createNanos = System.nanoTime() - c0;
        be.expectTerminal(1);
        long t0 = System.nanoTime();
        workflows.start(id);
        if (!be.awaitTerminal(config.timeout())) {
            try {
                workflows.pause(id);
            } catch (RuntimeException ignored) {
                // reported below
            }
            throw new BenchFailure("workflow " + id + " did not finish within " + config.timeout().toSeconds() + " s");
        }
        BenchEngine.Terminal end = be.terminal(id);
        if (!"WorkflowCompleted".equals(end.type())) {
            throw new BenchFailure("workflow " + id + " ended with " + end.type() + (end.error() == null ? "" : ": " + end.error()));
        }
        return new Run(createNanos, end.nanos() - t0);
    }

    // ------------------------------------------------------------------------------------------- concurrency

    ConcurrencyResult concurrency(String label, int workflowMax, int agentMax) throws Exception {
        EngineSettings d = EngineSettings.defaults();
        EngineSettings settings = new EngineSettings(workflowMax, agentMax, d.agentStartTimeout(), d.agentQueryTimeout(), d.agentStopTimeout());
        String dir = "concurrency-" + workflowMax + "-" + agentMax;
        int n = config.workflows();
        List<String> errors = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger exceptions = new AtomicInteger();
        Set<String> threw = Collections.synchronizedSet(new HashSet<>());
        try (BenchEngine be = new BenchEngine(workDir.resolve(dir), projectRoot, settings)) {
            be.recordMarks(false);
            WorkflowService workflows = be.engine().workflows();
            String suffix = Long.toString(System.nanoTime(), 36);
            List<String> ids = new ArrayList<>();
            long c0 = System.nanoTime();
            for (int i = 1; i <= n; i++) {
                String id = "bench-c%03d-%s".formatted(i, suffix);
                try {
                    workflows.create(id + ".yaml", BenchEngine.spec(id, "Concurrent " + i, 1, config.tasksPerWorkflow()));
                    ids.add(id);
                } catch (RuntimeException e) {
                    exceptions.incrementAndGet();
                    errors.add("create " + id + ": " + e);
                }
            }
            long createNanos = System.nanoTime() - c0;
            logging.resetCounts();
            be.expectTerminal(ids.size());
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> starters = new ArrayList<>();
            for (String id : ids) {
                starters.add(Thread.ofVirtual().name("bench-start-" + id).start(() -> {
                    try {
                        go.await();
                        workflows.start(id);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } catch (RuntimeException e) {
                        exceptions.incrementAndGet();
                        threw.add(id);
                        errors.add("start " + id + ": " + e);
                        be.giveUpOne();
                    }
                }));
            }
            long t0 = System.nanoTime();
            go.countDown();
            for (Thread t : starters) t.join();
            boolean allEnded = be.awaitTerminal(config.timeout());
            long last = t0;
            for (BenchEngine.Terminal t : be.terminals()) last = Math.max(last, t.nanos());
            long wall = (allEnded ? last : System.nanoTime()) - t0;
            int completed = 0, failed = 0, notFinished = 0;
            for (String id : ids) {
                if (threw.contains(id)) continue;
                BenchEngine.Terminal end = be.terminal(id);
                WorkflowStatus status;
                try {
                    status = workflows.get(id).status();
                } catch (RuntimeException e) {
                    exceptions.incrementAndGet();
                    errors.add("get " + id + ": " + e);
                    continue;
                }
                if (status == WorkflowStatus.COMPLETED && end != null) {
                    completed++;
                } else if (end == null) {
                    notFinished++;
                    errors.add(id + " still " + status + " after " + config.timeout().toSeconds() + " s");
                } else {
                    failed++;
                    errors.add(id + " ended " + status + (end.error() == null ? "" : ": " + end.error()));
                }
            }
            return new ConcurrencyResult(label, n, config.tasksPerWorkflow(), workflowMax, agentMax, completed, failed, notFinished,
                    exceptions.get(), logging.errorCount(), List.copyOf(errors), logging.errorMessages(), createNanos, wall);
        }
    }
}
