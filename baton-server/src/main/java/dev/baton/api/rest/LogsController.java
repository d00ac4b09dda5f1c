package dev.baton.api.rest;

import dev.baton.engine.WorkflowService;
import dev.baton.logs.store.LogPage;
import dev.baton.logs.store.LogQuery;
import dev.baton.logs.store.LogStore;
import dev.baton.logs.web.LogEventStream;
import dev.baton.logs.web.LogFollowers;
import dev.baton.logs.web.LogQueryParams;
import jakarta.annotation.PreDestroy;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A workflow's stored log lines: a page as JSON, or history then live lines over SSE (with
 * {@code Accept: text/event-stream} or {@code ?follow=true}).
 */
@RestController
@RequestMapping("/api/v1/workflows")
public class LogsController {
    private final LogStore store;
    private final WorkflowService workflows;
    private final long heartbeatMs;
    private final LogFollowers followers;
    private final ScheduledExecutorService heartbeats =
            Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name("sse-heartbeat").daemon(true).unstarted(r));

    public LogsController(LogStore store, WorkflowService workflows, LogFollowers followers,
                          @Value("${logs.heartbeat-ms:15000}") long heartbeatMs) {
        this.followers = followers;
        this.store = store;
        this.workflows = workflows;
        this.heartbeatMs = heartbeatMs;
    }

    @GetMapping("/{id}/logs")
    public LogPage page(@PathVariable String id, @RequestParam(required = false) String from, @RequestParam(required = false) String to,
                        @RequestParam(required = false) String after, @RequestParam(required = false) String limit,
                        @RequestParam(required = false) String level, @RequestParam(required = false) String source,
                        @RequestParam(required = false) String task) {
        LogQuery q = LogQueryParams.parse(from, to, after, limit, level, source, task);
        workflows.get(id); // 404 for an unknown workflow
        return store.read(id, q);
    }

    @GetMapping(value = "/{id}/logs", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    public SseEmitter follow(@PathVariable String id, @RequestParam(required = false) String from, @RequestParam(required = false) String to,
                             @RequestParam(required = false) String after, @RequestParam(required = false) String level,
                             @RequestParam(required = false) String source, @RequestParam(required = false) String task,
                             @RequestHeader(value = "Last-Event-ID", required = false) String lastEventId) {
        LogQuery q = LogQueryParams.parse(from, to, after, null, level, source, task);
        Long resume = LogQueryParams.lastEventId(lastEventId);
        if (resume != null) q = q.withAfter(resume);
        workflows.get(id);
        return LogEventStream.open(store, id, q, heartbeats, heartbeatMs, followers);
    }

    @GetMapping(value = "/{id}/logs", params = "follow=true")
    public SseEmitter followParam(@PathVariable String id, @RequestParam(required = false) String from, @RequestParam(required = false) String to,
                                  @RequestParam(required = false) String after, @RequestParam(required = false) String level,
                                  @RequestParam(required = false) String source, @RequestParam(required = false) String task,
                                  @RequestHeader(value = "Last-Event-ID", required = false) String lastEventId) {
        return follow(id, from, to, after, level, source, task, lastEventId);
    }

    @PreDestroy
    void stop() {
        heartbeats.shutdownNow();
    }
}
