package dev.baton.cli;

import dev.baton.cli.client.BadResponseException;
import dev.baton.cli.client.BatonApiException;
import dev.baton.cli.client.BatonClient;
import dev.baton.cli.client.EventView;
import dev.baton.cli.client.Reply;
import dev.baton.cli.client.ServerUnreachableException;
import dev.baton.cli.client.WorkflowView;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * {@code run --follow}: polls {@code GET /workflows/{id}/events?after=N} and prints each new event until the
 * workflow stops (COMPLETED, FAILED, CANCELLED or PAUSED). Polling rather than streaming keeps the server
 * contract to plain JSON and survives server restarts: the event log is durable, so the CLI picks up at the
 * last sequence it printed.
 */
final class EventFollower {

    /** Events after which the workflow may have stopped; the workflow's own status has the last word. */
    private static final Set<String> STOP_EVENTS =
            Set.of("WorkflowCompleted", "WorkflowFailed", "WorkflowCancelled", "WorkflowPaused", "WorkflowDeleted");
    private static final int PAGE_SIZE = 500;
    /** Without a stop event, still look at the status every so many idle polls, in case an event was missed. */
    private static final int IDLE_POLLS_PER_STATUS_CHECK = 25;

    private final BatonClient client;
    private final ClientOptions options;
    private final CliEnvironment environment;

    EventFollower(BatonClient client, ClientOptions options) {
        this.client = client;
        this.options = options;
        this.environment = options.environment();
    }

    static boolean stopped(WorkflowView workflow) {
        return workflow.hasEnded() || "PAUSED".equals(workflow.status());
    }

    /** Prints events until the workflow stops and returns its final state. */
    Reply<WorkflowView> follow(WorkflowView workflow) {
        EventLine lines = new EventLine(workflow, environment.zone());
        long after = 0;
        int idlePolls = 0;
        Long lostSince = null; // System.nanoTime() of the first failed poll in a row
        while (true) {
            try {
                Reply<List<EventView>> page = client.events(workflow.id(), after, PAGE_SIZE);
                if (lostSince != null) {
                    options.err().println("reconnected to " + client.server());
                    lostSince = null;
                }
                boolean mayHaveStopped = false;
                for (int i = 0; i < page.value().size(); i++) {
                    EventView event = page.value().get(i);
                    if (options.json()) options.printJsonLine(page.json().get(i));
                    else options.out().println(lines.format(event));
                    after = Math.max(after, event.sequence());
                    mayHaveStopped |= STOP_EVENTS.contains(event.type());
                }
                options.out().flush();
                if (page.value().size() == PAGE_SIZE) continue; // a backlog: fetch the rest before waiting
                idlePolls = page.value().isEmpty() ? idlePolls + 1 : 0;
                if (mayHaveStopped || idlePolls % IDLE_POLLS_PER_STATUS_CHECK == IDLE_POLLS_PER_STATUS_CHECK - 1) {
                    Reply<WorkflowView> current = client.workflow(workflow.id());
                    if (stopped(current.value())) return current;
                }
            } catch (ServerUnreachableException | BadResponseException | BatonApiException e) {
                if (e instanceof BatonApiException api && api.status() < 500) throw api;
                lostSince = waitOrGiveUp(lostSince, e);
            }
            sleep(environment.pollInterval());
        }
    }

    /** Rides out a server restart: the first failure starts a grace period, failures after it are fatal. */
    private Long waitOrGiveUp(Long lostSince, RuntimeException failure) {
        long now = System.nanoTime();
        if (lostSince == null) {
            options.err().println("lost the server (" + failure.getMessage() + "); retrying for "
                    + Formats.duration(environment.reconnectWindow().toMillis()) + "…");
            options.err().flush();
            return now;
        }
        if (now - lostSince > environment.reconnectWindow().toNanos()) throw failure;
        return lostSince;
    }

    private static void sleep(Duration interval) {
        try {
            Thread.sleep(interval);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(130, "interrupted");
        }
    }
}
