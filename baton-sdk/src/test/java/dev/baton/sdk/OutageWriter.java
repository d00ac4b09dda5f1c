package dev.baton.sdk;

import dev.baton.shared.BatonException;
import dev.baton.spec.store.TaskField;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One writer of {@link NatsOutageNoLostUpdateTest}: sets the {@code assignedTo} of its own two tasks in randomly
 * chosen specs to a value naming writer and counter ({@code w3-1234}), and remembers the last value of each. Early
 * and late in each spec it also pushes the spec's {@code shared} task forward (in-progress, then completed),
 * racing the other writers for it. Runs in the test's JVM or, through {@link Main}, in a JVM of its own.
 */
final class OutageWriter implements Callable<OutageWriter.Result> {
    static final String SHARED_TASK = "shared";
    static final int TASKS_PER_WRITER = 2;
    private static final int SHARED_STARTS_AT = 3;
    private static final int SHARED_COMPLETES_AT = 40;

    /**
     * @param lastValues     per "spec/task", the last value this writer set
     * @param writesPerSpec  updates of this writer that raised a spec's version
     * @param sharedConflicts moves of a shared task refused because another writer was ahead
     */
    record Result(int writer, int updates, Map<String, String> lastValues, Map<String, Integer> writesPerSpec, int sharedConflicts) {

        void save(Path file) {
            Properties p = new Properties();
            p.setProperty("writer", Integer.toString(writer));
            p.setProperty("updates", Integer.toString(updates));
            p.setProperty("sharedConflicts", Integer.toString(sharedConflicts));
            lastValues.forEach((k, v) -> p.setProperty("value." + k, v));
            writesPerSpec.forEach((k, v) -> p.setProperty("writes." + k, Integer.toString(v)));
            try (Writer w = Files.newBufferedWriter(file)) {
                p.store(w, null);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        static Result load(Path file) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(file)) {
                p.load(r);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Map<String, String> values = new HashMap<>();
            Map<String, Integer> writes = new HashMap<>();
            for (String key : p.stringPropertyNames()) {
                if (key.startsWith("value.")) values.put(key.substring(6), p.getProperty(key));
                if (key.startsWith("writes.")) writes.put(key.substring(7), Integer.parseInt(p.getProperty(key)));
            }
            return new Result(Integer.parseInt(p.getProperty("writer")), Integer.parseInt(p.getProperty("updates")), values, writes,
                    Integer.parseInt(p.getProperty("sharedConflicts")));
        }
    }

    private final BatonAgentClient client;
    private final int writer;
    private final List<String> specIds;
    private final int updates;
    private final AtomicInteger progress;

    OutageWriter(BatonAgentClient client, int writer, List<String> specIds, int updates, AtomicInteger progress) {
        this.client = client;
        this.writer = writer;
        this.specIds = specIds;
        this.updates = updates;
        this.progress = progress;
    }

    static String taskOf(int writer, int n) {
        return "t" + (writer * TASKS_PER_WRITER + n);
    }

    @Override
    public Result call() {
        Random random = new Random(writer);
        Map<String, String> lastValues = new HashMap<>();
        Map<String, Integer> writes = new HashMap<>();
        Map<String, Integer> perSpec = new HashMap<>();
        int sharedConflicts = 0;
        for (int i = 0; i < updates; i++) {
            String spec = specIds.get(random.nextInt(specIds.size()));
            String task = taskOf(writer, i % TASKS_PER_WRITER);
            String value = "w" + writer + "-" + i;
            UpdateOutcome out = client.updateTask(spec, task, Map.of(TaskField.ASSIGNED_TO, value));
            if (!out.written()) throw new AssertionError(spec + "/" + task + " = " + value + " was not written");
            lastValues.put(spec + "/" + task, value);
            writes.merge(spec, 1, Integer::sum);
            int n = perSpec.merge(spec, 1, Integer::sum);
            String shared = n == SHARED_STARTS_AT ? "in-progress" : n == SHARED_COMPLETES_AT ? "completed" : null;
            if (shared != null) {
                try {
                    if (client.updateTask(spec, SHARED_TASK, Map.of(TaskField.STATUS, shared)).written()) writes.merge(spec, 1, Integer::sum);
                } catch (BatonException.Conflict e) {
                    sharedConflicts++; // another writer moved it past this one's target
                }
            }
            progress.incrementAndGet();
        }
        return new Result(writer, updates, lastValues, writes, sharedConflicts);
    }

    /** The writer in a JVM of its own: {@code <nats-url> <spec-root> <writer> <updates> <result-file> <spec-id>...}. */
    public static final class Main {
        public static void main(String[] args) {
            String natsUrl = args[0];
            Path specRoot = Path.of(args[1]);
            int writer = Integer.parseInt(args[2]);
            int updates = Integer.parseInt(args[3]);
            Path resultFile = Path.of(args[4]);
            List<String> specIds = List.of(args).subList(5, args.length);
            AgentSettings settings = AgentSettings.defaults("writer-" + writer, natsUrl, specRoot).withRetry(NatsOutageNoLostUpdateTest.RETRY);
            try (BatonAgentClient client = BatonAgentClient.connect(settings)) {
                System.out.println("started");
                System.out.flush();
                AtomicInteger progress = new AtomicInteger();
                Result r = new OutageWriter(client, writer, specIds, updates, progress).call();
                r.save(resultFile);
                System.out.println("done " + client.stats());
            }
        }
    }
}
