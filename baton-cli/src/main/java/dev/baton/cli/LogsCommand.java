package dev.baton.cli;

import dev.baton.cli.client.BadResponseException;
import dev.baton.cli.client.BatonApiException;
import dev.baton.cli.client.BatonClient;
import dev.baton.cli.client.LogEvents;
import dev.baton.cli.client.LogLineView;
import dev.baton.cli.client.LogPageView;
import dev.baton.cli.client.LogsQuery;
import dev.baton.cli.client.Reply;
import dev.baton.cli.client.ServerUnreachableException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code baton logs ID [-f]}: a workflow's stored agent output, and with {@code -f} the live stream (SSE) until
 * Ctrl-C or the workflow stops. When it stops, what is left is read page by page, so nothing is cut off; a lost
 * connection is resumed after the last printed offset.
 */
@Command(name = "logs", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Print the log lines of a workflow's agents (stdout/stderr of every worker), optionally following new ones.",
        footerHeading = "%nExamples:%n",
        footer = {
                "  baton logs wf-7f3a",
                "  baton logs wf-7f3a -f --level WARN",
                "  baton logs wf-7f3a --task t2 --source stderr -o json | jq .message"})
public final class LogsCommand implements Callable<Integer> {
    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final int PAGE = 1000;

    @Parameters(paramLabel = "ID", description = "The workflow's id.")
    private String id;

    @Option(names = {"-f", "--follow"}, description = "Keep printing new lines until Ctrl-C or the workflow stops.")
    private boolean follow;

    @Option(names = "--level", paramLabel = "LEVEL", description = "DEBUG, INFO, WARN or ERROR: that level and above (or a comma-separated set: exactly those).")
    private String level;

    @Option(names = "--source", paramLabel = "SOURCE", description = "stdout, stderr or worker.")
    private String source;

    @Option(names = "--task", paramLabel = "TASK", description = "Only lines of this task.")
    private String task;

    @Mixin
    private ClientOptions options;

    @Override
    public Integer call() {
        LogsQuery query = new LogsQuery(level, source, task);
        try (BatonClient client = options.client()) {
            client.workflow(id); // an unknown id is a clear 404 before anything else
            long after = 0;
            if (follow) after = follow(client, query, after);
            printRest(client, query, after);
        }
        return ExitCodes.OK;
    }

    /** Pages of stored lines after {@code after} until none are left. */
    private long printRest(BatonClient client, LogsQuery query, long after) {
        while (true) {
            Reply<LogPageView> page = client.logs(id, query, after, PAGE);
            for (int i = 0; i < page.value().lines().size(); i++) print(page.value().lines().get(i), page.json().get("lines").get(i));
            options.out().flush();
            if (page.value().lines().isEmpty() || page.value().nextAfter() <= after) return after;
            after = page.value().nextAfter();
        }
    }

    /** Follows the live stream until the workflow stops; returns the last offset printed. */
    private long follow(BatonClient client, LogsQuery query, long after) {
        AtomicBoolean stopped = new AtomicBoolean();
        AtomicReference<LogEvents> current = new AtomicReference<>();
        Thread watcher = Thread.ofVirtual().name("baton-logs-watch").start(() -> watch(client, stopped, current));
        Long lostSince = null;
        try {
            while (!stopped.get()) {
                try (LogEvents events = client.followLogs(id, query, after)) {
                    current.set(events);
                    if (stopped.get()) break;
                    if (lostSince != null) {
                        options.err().println("reconnected to " + client.server());
                        lostSince = null;
                    }
                    Reply<LogLineView> e;
                    while ((e = events.next()) != null) {
                        if (e.value().offset() <= after) continue;
                        print(e.value(), e.json());
                        options.out().flush();
                        after = e.value().offset();
                    }
                } catch (ServerUnreachableException | BadResponseException | BatonApiException e) {
                    if (e instanceof BatonApiException api && api.status() < 500) throw api;
                    lostSince = lost(lostSince, e);
                }
                if (!stopped.get()) sleep();
            }
        } finally {
            watcher.interrupt();
        }
        return after;
    }

    /** Ends the live stream once the workflow stopped (the rest is then read page by page). */
    private void watch(BatonClient client, AtomicBoolean stopped, AtomicReference<LogEvents> current) {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                Thread.sleep(options.environment().pollInterval());
                try {
                    if (EventFollower.stopped(client.workflow(id).value())) {
                        stopped.set(true);
                        LogEvents events = current.get();
                        if (events != null) events.close();
                        return;
                    }
                } catch (RuntimeException e) {
                    // the server may be restarting: the stream's own reconnect reports it
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Long lost(Long lostSince, RuntimeException failure) {
        long now = System.nanoTime();
        if (lostSince == null) {
            options.err().println("lost the server (" + failure.getMessage() + "); retrying for "
                    + Formats.duration(options.environment().reconnectWindow().toMillis()) + "…");
            options.err().flush();
            return now;
        }
        if (now - lostSince > options.environment().reconnectWindow().toNanos()) throw failure;
        return lostSince;
    }

    private void sleep() {
        try {
            Thread.sleep(options.environment().pollInterval());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(130, "interrupted");
        }
    }

    private void print(LogLineView line, tools.jackson.databind.JsonNode json) {
        if (options.json()) {
            options.printJsonLine(json);
            return;
        }
        options.out().println(format(line));
    }

    /** {@code 2026-12-01T10:00:00.123Z task-1 stderr ERROR message}. */
    static String format(LogLineView l) {
        String task = l.taskId() == null || l.taskId().isEmpty() ? "-" : l.taskId();
        String source = l.source() == null ? "-" : l.source().toLowerCase(java.util.Locale.ROOT);
        String message;
        if (l.gap() == null) message = l.message() + (l.partial() ? " …" : "");
        else if (l.message() != null && !l.message().isEmpty()) message = "[" + l.message() + "]"; // the server's record of a hole says it all
        else message = "[" + l.gap().droppedLines() + " lines (" + l.gap().droppedBytes() + " bytes) dropped by worker " + l.workerId() + "]";
        return (l.timestamp() == null ? "-" : TIME.format(l.timestamp())) + " " + task + " " + source + " " + l.level() + " " + message;
    }
}
