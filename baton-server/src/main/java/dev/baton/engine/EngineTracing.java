package dev.baton.engine;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;

/**
 * The engine's tracing port: spans of a workflow run (ops seed §3), made with the OpenTelemetry API only.
 * The server hands in an SDK when OTEL_ENABLED=true; otherwise {@link #noop()} makes every span a no-op.
 * Spans are made current on the calling thread, so nested ones become children.
 */
public final class EngineTracing {
    public static final String INSTRUMENTATION = "dev.baton.engine";

    public static final AttributeKey<String> CORRELATION_ID = AttributeKey.stringKey("correlation.id");
    public static final AttributeKey<String> WORKFLOW_ID = AttributeKey.stringKey("workflow.id");
    public static final AttributeKey<String> WORKFLOW_STATUS = AttributeKey.stringKey("workflow.status");
    public static final AttributeKey<String> WORK_ID = AttributeKey.stringKey("work.id");
    public static final AttributeKey<Long> WORK_SEQUENCE = AttributeKey.longKey("work.sequence");
    public static final AttributeKey<String> WORK_MODEL = AttributeKey.stringKey("work.model");
    public static final AttributeKey<String> WORKSPACE_ID = AttributeKey.stringKey("workspace.id");
    public static final AttributeKey<String> TASK_ID = AttributeKey.stringKey("task.id");
    public static final AttributeKey<Long> TASK_ORDER = AttributeKey.longKey("task.order");
    public static final AttributeKey<String> AGENT_TYPE = AttributeKey.stringKey("agent.type");
    public static final AttributeKey<Long> AGENT_PID = AttributeKey.longKey("agent.process.pid");
    public static final AttributeKey<Long> MCP_SERVER_COUNT = AttributeKey.longKey("mcp.server.count");
    /** Names of the global MCP servers taken into a work's config (span mcp.config.merge). */
    public static final AttributeKey<java.util.List<String>> MCP_REFS_GLOBAL = AttributeKey.stringArrayKey("mcp.refs.global");
    /** Names of the MCP servers the work referenced itself (span mcp.config.merge). */
    public static final AttributeKey<java.util.List<String>> MCP_REFS_WORK = AttributeKey.stringArrayKey("mcp.refs.work");
    public static final AttributeKey<Long> QUERY_LENGTH = AttributeKey.longKey("query.length");
    public static final AttributeKey<Long> QUERY_EXIT_CODE = AttributeKey.longKey("query.exit_code");
    public static final AttributeKey<String> QUERY_OUTCOME = AttributeKey.stringKey("query.outcome");
    public static final AttributeKey<String> REPORT_ID = AttributeKey.stringKey("report.id");
    public static final AttributeKey<String> GIT_ID = AttributeKey.stringKey("git.id");
    public static final AttributeKey<String> GIT_COMMIT = AttributeKey.stringKey("git.commit");
    public static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    public static final AttributeKey<String> ERROR_MESSAGE = AttributeKey.stringKey("error.message");

    private static final EngineTracing NOOP = new EngineTracing(OpenTelemetry.noop());

    private final Tracer tracer;

    public EngineTracing(OpenTelemetry openTelemetry) {
        this.tracer = openTelemetry.getTracer(INSTRUMENTATION);
    }

    /** Tracing off: spans cost next to nothing and go nowhere. */
    public static EngineTracing noop() {
        return NOOP;
    }

    /** Starts a span, child of the current one, and makes it current until {@link Traced#close()}. */
    public Traced start(String name, Attributes attributes) {
        Span span = tracer.spanBuilder(name).setAllAttributes(attributes).startSpan();
        return new Traced(span, span.makeCurrent());
    }

    /** The attributes every span of a workflow carries: its id and the correlationId. */
    static AttributesBuilder workflow(String correlationId, String workflowId) {
        AttributesBuilder b = Attributes.builder();
        if (correlationId != null) b.put(CORRELATION_ID, correlationId);
        if (workflowId != null) b.put(WORKFLOW_ID, workflowId);
        return b;
    }

    /** A started span with its scope; close ends both. */
    public static final class Traced implements AutoCloseable {
        private final Span span;
        private final Scope scope;

        private Traced(Span span, Scope scope) {
            this.span = span;
            this.scope = scope;
        }

        public <T> Traced set(AttributeKey<T> key, T value) {
            if (value != null) span.setAttribute(key, value);
            return this;
        }

        /** Marks the span failed by a thrown exception (recorded as an event). */
        public void fail(Throwable e) {
            span.recordException(e);
            error(e.getClass().getSimpleName(), e.getMessage());
        }

        /** Marks the span failed without an exception: an agent that answered with a failure, say. */
        public void error(String type, String message) {
            span.setAttribute(ERROR_TYPE, type);
            if (message != null) span.setAttribute(ERROR_MESSAGE, message);
            span.setStatus(StatusCode.ERROR, message == null ? type : message);
        }

        public Span span() {
            return span;
        }

        @Override
        public void close() {
            scope.close();
            span.end();
        }
    }
}
