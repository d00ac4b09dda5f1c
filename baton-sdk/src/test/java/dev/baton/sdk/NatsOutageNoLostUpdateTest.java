package dev.baton.sdk;

import dev.baton.ping.BusState;
import dev.baton.ping.nats.NatsServerProcess;
import dev.baton.spec.store.SpecSnapshot;
import dev.baton.spec.store.VersionedSpecFiles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Seed 000 §3.1 under load: five writers (one of them in a JVM of its own) make 10,000 updates to 20 spec files
 * while three subscribers follow along; a third of the way in, the NATS server is killed, writing goes on without
 * it, and it comes back on the same port. No update may be lost — every writer's last value of each of its tasks
 * is in the final files, and each file's version counts exactly the updates that changed it — and every
 * subscriber must end at the final content of every spec, pings or no pings.
 */
class NatsOutageNoLostUpdateTest {
    static final RetryPolicy RETRY = new RetryPolicy(8, Duration.ofMillis(5), 2.0, Duration.ofMillis(200));
    private static final int SPECS = 20;
    private static final int WRITERS = 5;
    private static final int IN_PROCESS_WRITERS = WRITERS - 1;
    private static final int UPDATES_PER_WRITER = 2_000;
    private static final int KILL_AFTER = 3_000 * IN_PROCESS_WRITERS / WRITERS;
    private static final int RESTART_AFTER = 5_500 * IN_PROCESS_WRITERS / WRITERS;
    private static final Duration CATCH_UP = Duration.ofSeconds(15);
    private static final Duration WRITING = Duration.ofMinutes(3);

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private Path tmp;

    @AfterEach
    void cleanUp() throws Exception {
        for (AutoCloseable c : toClose.reversed()) c.close();
        TestSpecs.deleteTree(tmp);
    }

    /** What one subscriber was handed: per spec the view with the highest version, and every version in order. */
    private static final class Follower {
        final BatonAgentClient client;
        final Map<String, SpecView> latest = new ConcurrentHashMap<>();
        final Map<String, List<Long>> versions = new ConcurrentHashMap<>();

        Follower(BatonAgentClient client) {
            this.client = client;
            client.subscribe(view -> {
                latest.merge(view.specId(), view, (old, now) -> now.version() >= old.version() ? now : old);
                versions.computeIfAbsent(view.specId(), id -> new ArrayList<>()).add(view.version());
            });
        }
    }

    @Test
    void noUpdateIsLostAndEverySubscriberCatchesUpWhenNatsIsKilledAndRestartedMidway() throws Exception {
        NatsServerProcess nats = NatsServerProcess.onFreePort().start();
        toClose.add(nats);
        tmp = TestSpecs.fastTempDir("baton-outage-");
        Path specRoot = tmp.resolve("specs/active");
        List<String> specIds = TestSpecs.ids("spec", SPECS);
        for (String id : specIds) TestSpecs.write(specRoot, id, WRITERS * OutageWriter.TASKS_PER_WRITER, OutageWriter.SHARED_TASK);

        List<Follower> followers = new ArrayList<>();
        for (int i = 0; i < 3; i++) followers.add(new Follower(connect("follower-" + i, nats, specRoot)));
        for (Follower f : followers) await().atMost(CATCH_UP).until(() -> f.latest.size() == SPECS);

        // The writer in its own JVM: the file lock and the merge must hold between processes too.
        Path childResult = tmp.resolve("writer-" + IN_PROCESS_WRITERS + ".properties");
        List<String> childArgs = new ArrayList<>(List.of(nats.url(), specRoot.toString(), Integer.toString(IN_PROCESS_WRITERS),
                Integer.toString(UPDATES_PER_WRITER), childResult.toString()));
        childArgs.addAll(specIds);
        ChildJvm child = ChildJvm.start(OutageWriter.Main.class, childArgs.toArray(String[]::new));
        toClose.add(child);
        child.awaitLine("started", Duration.ofSeconds(60));

        AtomicInteger progress = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(IN_PROCESS_WRITERS);
        toClose.add(pool::shutdownNow);
        List<Future<OutageWriter.Result>> running = new ArrayList<>();
        for (int w = 0; w < IN_PROCESS_WRITERS; w++) {
            running.add(pool.submit(new OutageWriter(connect("writer-" + w, nats, specRoot), w, specIds, UPDATES_PER_WRITER, progress)));
        }

        await().atMost(WRITING).until(() -> progress.get() >= KILL_AFTER);
        nats.stop();
        int killedAt = progress.get();
        for (Follower f : followers) await().atMost(CATCH_UP).until(() -> f.client.busState().orElseThrow() != BusState.CONNECTED);
        await().atMost(WRITING).until(() -> progress.get() >= RESTART_AFTER || running.stream().allMatch(Future::isDone));
        int restartedAt = progress.get();
        nats.start();
        for (Follower f : followers) await().atMost(CATCH_UP).until(() -> f.client.busState().orElseThrow() == BusState.CONNECTED);
        long[] pingsAtRestart = followers.stream().mapToLong(f -> f.client.stats().pingsReceived()).toArray();

        List<OutageWriter.Result> results = new ArrayList<>();
        for (Future<OutageWriter.Result> r : running) results.add(r.get());
        assertThat(child.awaitExit(WRITING)).as("the child writer's exit; its log:\n%s", child.stderr()).isZero();
        results.add(OutageWriter.Result.load(childResult));
        assertThat(restartedAt).as("NATS was down while writers wrote").isGreaterThan(killedAt);

        // No lost update: every writer's last value of each of its tasks is on disk, and the version counts every write.
        assertThat(results.stream().mapToInt(OutageWriter.Result::updates).sum()).isEqualTo(WRITERS * UPDATES_PER_WRITER);
        VersionedSpecFiles files = new VersionedSpecFiles();
        Map<String, SpecSnapshot> onDisk = new ConcurrentHashMap<>();
        for (String id : specIds) onDisk.put(id, files.read(specRoot.resolve(id + ".yaml")));
        for (OutageWriter.Result r : results) {
            r.lastValues().forEach((specTask, value) -> {
                String[] parts = specTask.split("/");
                assertThat(SpecView.of(onDisk.get(parts[0])).task(parts[1]).orElseThrow().assignedTo())
                        .as("writer %d's last value of %s", r.writer(), specTask).isEqualTo(value);
            });
        }
        for (String id : specIds) {
            int writes = results.stream().mapToInt(r -> r.writesPerSpec().getOrDefault(id, 0)).sum();
            assertThat(onDisk.get(id).version()).as("version of %s = 1 + its %d writes", id, writes).isEqualTo(1L + writes);
            assertThat(SpecView.of(onDisk.get(id)).task(OutageWriter.SHARED_TASK).orElseThrow().status())
                    .as("the raced status of %s went all the way", id).isEqualTo("completed");
        }

        // Every subscriber ends at the final content of every spec, each content handed over once, in version order.
        for (Follower f : followers) {
            await().atMost(CATCH_UP).untilAsserted(() -> {
                for (String id : specIds) {
                    SpecView seen = f.latest.get(id);
                    assertThat(seen.version()).as("%s's version of %s", f.client.agentId(), id).isEqualTo(onDisk.get(id).version());
                    assertThat(seen.sha256()).isEqualTo(onDisk.get(id).sha256());
                    assertThat(seen.content()).isEqualTo(onDisk.get(id).content());
                }
            });
            for (String id : specIds) {
                assertThat(f.versions.get(id)).as("versions %s was handed of %s", f.client.agentId(), id).isSorted().doesNotHaveDuplicates();
            }
        }
        for (int i = 0; i < followers.size(); i++) {
            assertThat(followers.get(i).client.stats().pingsReceived()).as("pings reach %s again after the restart", followers.get(i).client.agentId())
                    .isGreaterThan(pingsAtRestart[i]);
        }
        System.out.printf("killed NATS after %d updates, restarted after %d; shared-task conflicts %d; follower stats %s%n", killedAt, restartedAt,
                results.stream().mapToInt(OutageWriter.Result::sharedConflicts).sum(),
                followers.stream().map(f -> f.client.stats()).toList());
    }

    private BatonAgentClient connect(String agentId, NatsServerProcess nats, Path specRoot) {
        BatonAgentClient c = BatonAgentClient.connect(AgentSettings.defaults(agentId, nats.url(), specRoot).withRetry(RETRY));
        toClose.add(c);
        return c;
    }
}
