package dev.baton.api.rest;

import dev.baton.engine.WorkflowService;
import dev.baton.shared.BatonException;
import dev.baton.workflow.Checkpoint;
import dev.baton.workflow.EventLog;
import dev.baton.workflow.Report;
import dev.baton.workflow.Workflow;
import dev.baton.workflow.WorkflowRepository;
import dev.baton.workflow.WorkflowStatus;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.net.URI;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** REST face of the workflow use cases, under /api/v1. Thin: parse the request, call the service. */
@RestController
@RequestMapping("/api/v1/workflows")
public class WorkflowController {
    /** Spec bodies larger than this are refused before parsing. */
    static final int MAX_SPEC_BYTES = 1024 * 1024;
    private final WorkflowService workflows;

    public WorkflowController(WorkflowService workflows) {
        this.workflows = workflows;
    }

    public record WorkflowPage(List<Workflow> items, int limit, int offset) {
    }

    public record ReorderRequest(List<String> workIds) {
    }

    @PostMapping(consumes = {"application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", MediaType.APPLICATION_JSON_VALUE, MediaType.TEXT_PLAIN_VALUE})
    public ResponseEntity<Workflow> create(@RequestBody String body,
                                           @RequestHeader(value = "X-Spec-File", required = false) String fileName,
                                           @RequestParam(defaultValue = "false") boolean start) {
        if (body.length() > MAX_SPEC_BYTES) {
            throw new BatonException.Invalid("spec.too-large", "spec is " + body.length() + " bytes; at most " + MAX_SPEC_BYTES + " are accepted");
        }
        String name = fileName == null || fileName.isBlank() ? "request body" : fileName;
        Workflow wf = workflows.create(name, body);
        if (start) wf = workflows.start(wf.id());
        return ResponseEntity.created(URI.create("/api/v1/workflows/" + wf.id())).body(wf);
    }

    @GetMapping
    public WorkflowPage list(@RequestParam(required = false) String status, @RequestParam(required = false) String name,
                             @RequestParam(defaultValue = "50") int limit, @RequestParam(defaultValue = "0") int offset) {
        if (limit < 1 || limit > 1000) throw new BatonException.Invalid("query.limit", "limit must be between 1 and 1000, was " + limit);
        if (offset < 0) throw new BatonException.Invalid("query.offset", "offset must not be negative, was " + offset);
        Set<WorkflowStatus> statuses = status == null || status.isBlank() ? Set.of() : parseStatuses(status);
        return new WorkflowPage(workflows.list(new WorkflowRepository.WorkflowQuery(statuses, name, limit, offset)), limit, offset);
    }

    @GetMapping("/{id}")
    public Workflow get(@PathVariable String id) {
        return workflows.get(id);
    }

    @PostMapping("/{id}/start")
    public Workflow start(@PathVariable String id) {
        return workflows.start(id);
    }

    @PostMapping("/{id}/pause")
    public Workflow pause(@PathVariable String id) {
        return workflows.pause(id);
    }

    @PostMapping("/{id}/resume")
    public Workflow resume(@PathVariable String id) {
        return workflows.resume(id);
    }

    @PostMapping("/{id}/cancel")
    public Workflow cancel(@PathVariable String id) {
        return workflows.cancel(id);
    }

    @DeleteMapping("/{id}")
    public ResponseEntity<Void> delete(@PathVariable String id) {
        workflows.delete(id);
        return ResponseEntity.status(HttpStatus.NO_CONTENT).build();
    }

    @PostMapping(value = "/{id}/reorder", consumes = MediaType.APPLICATION_JSON_VALUE)
    public Workflow reorder(@PathVariable String id, @RequestBody ReorderRequest request) {
        if (request == null || request.workIds() == null) {
            throw new BatonException.Invalid("workflow.reorder-invalid", "body must be {\"workIds\": [...]} listing every work once");
        }
        return workflows.reorder(id, request.workIds());
    }

    @GetMapping("/{id}/reports")
    public List<Report> reports(@PathVariable String id) {
        return workflows.reports(id);
    }

    @GetMapping(value = "/{id}/reports/{reportId}", produces = "text/markdown;charset=UTF-8")
    public String report(@PathVariable String id, @PathVariable String reportId) {
        return workflows.reportContent(id, reportId);
    }

    @GetMapping("/{id}/checkpoints")
    public List<Checkpoint> checkpoints(@PathVariable String id) {
        return workflows.checkpoints(id);
    }

    @GetMapping("/{id}/events")
    public List<EventLog.StoredEvent> events(@PathVariable String id, @RequestParam(defaultValue = "0") long after,
                                             @RequestParam(defaultValue = "500") int limit) {
        return workflows.events(id, after, limit);
    }

    private static Set<WorkflowStatus> parseStatuses(String csv) {
        Set<WorkflowStatus> out = EnumSet.noneOf(WorkflowStatus.class);
        for (String s : csv.split(",")) {
            String v = s.trim().toUpperCase();
            if (v.isEmpty()) continue;
            try {
                out.add(WorkflowStatus.valueOf(v));
            } catch (IllegalArgumentException e) {
                throw new BatonException.Invalid("query.status", "unknown status '" + s.trim() + "' (expected one of " + Arrays.toString(WorkflowStatus.values()) + ")");
            }
        }
        return out;
    }
}
