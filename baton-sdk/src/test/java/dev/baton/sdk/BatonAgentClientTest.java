package dev.baton.sdk;

import dev.baton.ping.BusState;
import dev.baton.ping.nats.NatsServerProcess;
import dev.baton.shared.BatonException;
import dev.baton.spec.store.TaskField;
import dev.baton.spec.store.VersionedSpecFiles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Clients on a real spec folder (and, where it says so, a real nats-server). */
class BatonAgentClientTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final RetryPolicy FAST_RETRY = new RetryPolicy(5, Duration.ofMillis(20), 2.0, Duration.ofMillis(200));

    @TempDir
    Path tmp;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose.reversed()) c.close();
    }

    private Path specRoot() {
        return tmp.resolve("specs/active");
    }

    private BatonAgentClient client(String agentId, String natsUrl) {
        return client(AgentSettings.defaults(agentId, natsUrl, specRoot()).withRetry(FAST_RETRY)
                .withPolling(Duration.ofMillis(100), Duration.ofMillis(300)), Duration.ofSeconds(10));
    }

    private BatonAgentClient client(AgentSettings settings, Duration lockTimeout) {
        BatonAgentClient c = BatonAgentClient.connect(settings, Clock.systemUTC(), lockTimeout);
        toClose.add(c);
        return c;
    }

    @Test
    void aSubscriberGetsEverySpecThereIsThenEachNewContentExactlyOnce() {
        TestSpecs.write(specRoot(), "spec-a", 2);
        TestSpecs.write(specRoot(), "spec-b", 2);
        BatonAgentClient watcher = client("watcher", null);
        BatonAgentClient writer = client("writer", null);
        List<SpecView> handed = new CopyOnWriteArrayList<>();
        watcher.subscribe(handed::add);
        await().atMost(WAIT).until(() -> handed.size() == 2);
        long eventsBefore = watcher.stats().fileEvents();

        UpdateOutcome out = writer.updateTask("spec-a", "t0", Map.of(TaskField.ASSIGNED_TO, "someone"));

        assertThat(out.written()).isTrue();
        assertThat(out.spec().version()).isEqualTo(2);
        await().atMost(WAIT).until(() -> handed.size() == 3);
        assertThat(handed.get(2).specId()).isEqualTo("spec-a");
        assertThat(handed.get(2).version()).isEqualTo(2);
        assertThat(handed.get(2).task("t0").orElseThrow().assignedTo()).isEqualTo("someone");
        // The watch service saw the write and the poller's content check reports it once more: no second delivery.
        await().atMost(WAIT).until(() -> watcher.stats().fileEvents() >= eventsBefore + 2);
        assertThat(handed).hasSize(3);
        assertThat(watcher.stats().delivered()).isEqualTo(3);
    }

    @Test
    void aHandlerRunsOnOneThreadAndSeesItsOwnWritesComeBack() {
        TestSpecs.write(specRoot(), "spec-a", 1);
        BatonAgentClient agent = client("agent-1", null);
        List<String> seen = new CopyOnWriteArrayList<>();
        List<String> threads = new CopyOnWriteArrayList<>();
        agent.subscribe(spec -> {
            threads.add(Thread.currentThread().getName());
            String status = spec.task("t0").orElseThrow().status();
            seen.add(spec.version() + ":" + status);
            if (status.equals("pending")) agent.updateTask(spec.specId(), "t0", Map.of(TaskField.STATUS, "in-progress"));
            else if (status.equals("in-progress")) agent.updateTask(spec.specId(), "t0", Map.of(TaskField.STATUS, "completed"));
        });

        await().atMost(WAIT).until(() -> seen.size() == 3);
        assertThat(seen).containsExactly("1:pending", "2:in-progress", "3:completed");
        assertThat(threads).containsOnly("baton-agent-agent-1");
    }

    @Test
    void writesOfDifferentFieldsMergeAndAStatusDoesNotMoveBack() {
        TestSpecs.write(specRoot(), "spec-a", 2);
        BatonAgentClient one = client("one", null);
        BatonAgentClient two = client("two", null);

        one.updateTask("spec-a", "t0", Map.of(TaskField.STATUS, "completed"));
        two.updateTask("spec-a", "t1", Map.of(TaskField.ASSIGNED_TO, "two"));
        UpdateOutcome same = two.updateTask("spec-a", "t0", Map.of(TaskField.STATUS, "completed"));

        assertThat(same.written()).as("nothing left to change").isFalse();
        assertThat(same.spec().version()).isEqualTo(3);
        assertThatThrownBy(() -> two.updateTask("spec-a", "t0", Map.of(TaskField.STATUS, "in-progress")))
                .isInstanceOfSatisfying(BatonException.Conflict.class, e -> {
                    assertThat(e.problems()).singleElement().satisfies(p -> {
                        assertThat(p.field()).isEqualTo("tasks[t0].status");
                        assertThat(p.message()).contains("completed", "in-progress");
                    });
                });
        SpecView now = one.read("spec-a");
        assertThat(now.version()).isEqualTo(3);
        assertThat(now.task("t0").orElseThrow().status()).isEqualTo("completed");
        assertThat(now.task("t1").orElseThrow().assignedTo()).isEqualTo("two");
        assertThat(two.stats().conflicts()).isEqualTo(1);
        assertThat(two.stats().conflictRetries()).isZero();
    }

    @Test
    void writersRacingOnOneFieldEitherWinOrHearOfTheConflictNeverOverwriteBlindly() throws Exception {
        TestSpecs.write(specRoot(), "spec-a", 1);
        record Win(long version, String value) {
        }
        List<Win> wins = new CopyOnWriteArrayList<>();
        List<BatonException.Conflict> conflicts = new CopyOnWriteArrayList<>();
        List<BatonAgentClient> racers = List.of(client("racer-0", null), client("racer-1", null));
        List<CompletableFuture<Void>> running = new ArrayList<>();
        ExecutorService threads = Executors.newFixedThreadPool(racers.size()); // the common pool may have one thread
        toClose.add(threads::shutdownNow);
        for (int r = 0; r < racers.size(); r++) {
            BatonAgentClient racer = racers.get(r);
            String name = "racer-" + r;
            running.add(CompletableFuture.runAsync(() -> {
                for (int i = 0; i < 200; i++) {
                    String value = name + "-" + i;
                    try {
                        UpdateOutcome out = racer.updateTask("spec-a", "t0", Map.of(TaskField.ASSIGNED_TO, value));
                        wins.add(new Win(out.spec().version(), value));
                    } catch (BatonException.Conflict e) {
                        conflicts.add(e);
                    }
                }
            }, threads));
        }
        CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).get();

        SpecView last = SpecView.of(new VersionedSpecFiles().read(specRoot().resolve("spec-a.yaml")));
        assertThat(wins.size() + conflicts.size()).isEqualTo(400);
        assertThat(last.version()).as("one version per win").isEqualTo(1L + wins.size());
        assertThat(wins.stream().max(java.util.Comparator.comparingLong(Win::version)).orElseThrow().value())
                .as("the file holds the value of the last win").isEqualTo(last.task("t0").orElseThrow().assignedTo());
        assertThat(conflicts).allSatisfy(e -> assertThat(e.problems()).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("theirs: racer-", "yours: racer-")));
        assertThat(racers.stream().mapToLong(r -> r.stats().conflictRetries()).sum()).as("a real conflict is not applied again").isZero();
    }

    @Test
    void unknownSpecsAndTasksAreNotFound() {
        TestSpecs.write(specRoot(), "spec-a", 1);
        BatonAgentClient agent = client("agent", null);

        assertThatThrownBy(() -> agent.read("spec-nope")).isInstanceOf(BatonException.NotFound.class);
        assertThatThrownBy(() -> agent.updateTask("spec-a", "t9", Map.of(TaskField.STATUS, "completed")))
                .isInstanceOf(BatonException.NotFound.class).hasMessageContaining("t9");
        assertThatThrownBy(() -> agent.read("../etc/passwd")).isInstanceOf(BatonException.Invalid.class);
    }

    @Test
    void readsComeFromTheCacheUntilAChangeIsNoticed() {
        TestSpecs.write(specRoot(), "spec-a", 1);
        BatonAgentClient reader = client("reader", null);
        BatonAgentClient writer = client("writer", null);

        assertThat(reader.read("spec-a").version()).isEqualTo(1);
        assertThat(reader.read("spec-a").version()).isEqualTo(1);
        assertThat(reader.stats().cacheHits()).isEqualTo(1);

        writer.updateTask("spec-a", "t0", Map.of(TaskField.ASSIGNED_TO, "x"));

        // Well within the 30 s TTL: the watcher's notice ends the cached view.
        await().atMost(WAIT).until(() -> reader.read("spec-a").version() == 2);
    }

    @Test
    void aDiffIsKeptUnderTheDiffsRootAndListedOnce() throws Exception {
        TestSpecs.write(specRoot(), "spec-a", 1);
        BatonAgentClient agent = client("agent", null);
        Path diff = Files.writeString(tmp.resolve("change.diff"), "diff --git a/x b/x\n");

        UpdateOutcome first = agent.submitDiff("spec-a", "t0", diff);
        UpdateOutcome again = agent.submitDiff("spec-a", "t0", diff);

        assertThat(agent.settings().diffsRoot()).as("seed 000's layout: specs/active and diffs side by side").isEqualTo(tmp.resolve("diffs"));
        assertThat(first.written()).isTrue();
        assertThat(again.written()).isFalse();
        SubmissionView s = again.spec().submissions().getFirst();
        assertThat(again.spec().submissions()).hasSize(1);
        assertThat(s.taskId()).isEqualTo("t0");
        assertThat(s.status()).isEqualTo("pending");
        assertThat(s.path()).startsWith("spec-a/t0-").endsWith(".diff");
        assertThat(tmp.resolve("diffs").resolve(s.path())).hasContent("diff --git a/x b/x");
        assertThatThrownBy(() -> agent.submitDiff("spec-a", "t7", diff)).isInstanceOf(BatonException.NotFound.class);
    }

    @Test
    void aFileLockedByAnotherProcessIsRetriedUntilItIsFree() throws Exception {
        Path spec = TestSpecs.write(specRoot(), "spec-a", 1);
        BatonAgentClient agent = client(AgentSettings.defaults("agent", null, specRoot())
                .withRetry(new RetryPolicy(5, Duration.ofMillis(100), 2.0, Duration.ofSeconds(1))), Duration.ofMillis(100));
        try (ChildJvm holder = ChildJvm.start(SpecLockHolder.class, spec.toString())) {
            holder.awaitLine("locked", Duration.ofSeconds(30));
            CompletableFuture<UpdateOutcome> update = CompletableFuture.supplyAsync(
                    () -> agent.updateTask("spec-a", "t0", Map.of(TaskField.STATUS, "in-progress")));
            await().atMost(WAIT).until(() -> agent.stats().transientRetries() >= 1);

            holder.closeStdin();

            assertThat(update.get().written()).isTrue();
            assertThat(holder.awaitExit(Duration.ofSeconds(10))).isZero();
        }
        assertThat(new VersionedSpecFiles().read(spec).version()).isEqualTo(2);
    }

    @Test
    void aFileThatStaysLockedFailsAfterMaxTriesWithTheLastError() throws Exception {
        Path spec = TestSpecs.write(specRoot(), "spec-a", 1);
        BatonAgentClient agent = client(AgentSettings.defaults("agent", null, specRoot())
                .withRetry(new RetryPolicy(3, Duration.ofMillis(10), 2.0, Duration.ofMillis(20))), Duration.ofMillis(50));
        try (ChildJvm holder = ChildJvm.start(SpecLockHolder.class, spec.toString())) {
            holder.awaitLine("locked", Duration.ofSeconds(30));

            assertThatThrownBy(() -> agent.updateTask("spec-a", "t0", Map.of(TaskField.STATUS, "in-progress")))
                    .isInstanceOfSatisfying(BatonException.Transient.class, e -> {
                        assertThat(e.code()).isEqualTo("spec.locked");
                        assertThat(e.getSuppressed()).hasSize(2);
                    });
            assertThat(agent.stats().transientRetries()).isEqualTo(2);
        }
        assertThat(new VersionedSpecFiles().read(spec).version()).isEqualTo(1);
    }

    @Test
    void withNatsAWriteIsPingedToTheOtherClients() {
        NatsServerProcess nats = NatsServerProcess.onFreePort().start();
        toClose.add(nats); // closed after the clients
        TestSpecs.write(specRoot(), "spec-a", 1);
        BatonAgentClient listener = client("listener", nats.url());
        BatonAgentClient writer = client("writer", nats.url());
        List<SpecView> handed = new CopyOnWriteArrayList<>();
        listener.subscribe(handed::add);
        await().atMost(WAIT).until(() -> handed.size() == 1);
        assertThat(listener.busState()).contains(BusState.CONNECTED);

        writer.updateTask("spec-a", "t0", Map.of(TaskField.STATUS, "in-progress"));

        await().atMost(WAIT).until(() -> handed.size() == 2);
        await().atMost(WAIT).until(() -> listener.stats().pingsReceived() >= 1);
        assertThat(writer.stats().pingsPublished()).isEqualTo(1);
        assertThat(handed.get(1).version()).isEqualTo(2);
    }

    @Test
    void withoutNatsThereIsNoBus() {
        assertThat(client("alone", null).busState()).isEmpty();
        assertThat(client("blank", " ").busState()).isEmpty();
    }
}
