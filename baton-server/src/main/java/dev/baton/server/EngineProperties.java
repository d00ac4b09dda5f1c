package dev.baton.server;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/** Typed settings of seed 001 §8.1, grouped per feature; defaults live in application.yml. */
public final class EngineProperties {
    private EngineProperties() {
    }

    @Validated
    @ConfigurationProperties("database")
    public record Database(String url, @Min(0) int poolMin, @Min(1) @Max(500) int poolMax, @Min(100) long connectionTimeoutMs) {
    }

    @Validated
    @ConfigurationProperties("git")
    public record Git(String rootPath, @Min(1000) long commandTimeoutMs, @Min(0) int cloneDepth) {
    }

    @Validated
    @ConfigurationProperties("worktree")
    public record Worktree(String rootPath) {
    }

    @Validated
    @ConfigurationProperties("archive")
    public record Archive(String rootPath) {
    }

    @Validated
    @ConfigurationProperties("workflow")
    public record Workflow(String rootPath, @Min(1) @Max(1000) int maxConcurrent, @Min(0) int worktreeCleanupTtlHours,
                           @Min(0) int reportArchiveDays, @Min(0) int reportDeleteDays, @Min(0) int checkpointCleanupDays) {
    }

    /**
     * Resource cleanup (seed 001 §7); the retention periods are in {@link Workflow}.
     *
     * @param scheduleCron            CLEANUP_SCHEDULE_CRON: 5 fields (minute first) or Spring's 6 (second first)
     * @param diskWarningThresholdGb  DISK_WARNING_THRESHOLD_GB
     * @param diskCriticalThresholdGb DISK_CRITICAL_THRESHOLD_GB: below it the cleanup is forced
     * @param diskCheckIntervalMs     how often free space is measured (seed: every 5 minutes)
     */
    @Validated
    @ConfigurationProperties("cleanup")
    public record Cleanup(@Pattern(regexp = "\\S+(\\s+\\S+){4,5}", message = "must be a cron expression of five fields (or six, seconds first), e.g. '0 * * * *'") String scheduleCron,
                          @Min(0) long diskWarningThresholdGb, @Min(0) long diskCriticalThresholdGb,
                          @Min(1000) long diskCheckIntervalMs) {
    }

    @Validated
    @ConfigurationProperties("agent")
    public record Agent(@Min(1) long startTimeoutMs, @Min(1) long queryTimeoutMs, @Min(1) long stopTimeoutMs, @Min(1) @Max(1000) int maxConcurrent) {
    }

    @Validated
    @ConfigurationProperties("shutdown")
    public record Shutdown(@Min(1) long timeoutMs) {
    }

    // EventBus is mapped and validated (a bad value stops start-up) and documented, but nothing reads it yet:
    // Baton's event bus is in-process with NATS pings (NATS_URL). It is here so that the seed 001 §8.1 names
    // are accepted and checked today.

    /** EVENT_BUS_TYPE, REDIS_URL, EVENT_RETRY_MAX_ATTEMPTS, EVENT_RETRY_DELAY_MS (not read yet). */
    @Validated
    @ConfigurationProperties("event-bus")
    public record EventBus(@Pattern(regexp = "in-memory|redis", message = "must be in-memory or redis") String type, String redisUrl,
                           @Min(0) @Max(100) int retryMaxAttempts, @Min(0) long retryDelayMs) {
    }

    /**
     * MCP servers (see McpConfiguration).
     *
     * @param validationTimeoutMs MCP_VALIDATION_TIMEOUT_MS: one initialize handshake of the connection check
     * @param maxServers          MCP_MAX_SERVERS: a servers file with more is refused at start-up
     * @param serversFile         BATON_MCP_SERVERS: the YAML file of the global MCP servers; empty means none
     */
    @Validated
    @ConfigurationProperties("mcp")
    public record Mcp(@Min(100) long validationTimeoutMs, @Min(1) @Max(10000) int maxServers, String serversFile) {
    }

    /**
     * OTEL_ENABLED, OTEL_EXPORTER_OTLP_ENDPOINT (traces, see TracingConfiguration), HEALTH_CHECK_INTERVAL_MS (the
     * period of the external dependency checks: the MCP server connections).
     */
    @Validated
    @ConfigurationProperties("monitoring")
    public record Monitoring(boolean otelEnabled, String otelExporterOtlpEndpoint, @Min(1000) long healthCheckIntervalMs) {
    }
}
