package dev.baton.server;

import dev.baton.server.SettingRules.Max;
import dev.baton.server.SettingRules.Min;
import dev.baton.server.SettingRules.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.FieldError;

/** Typed settings of seed 001 §8.1, grouped per feature; defaults live in application.yml. */
public final class EngineProperties {
    private EngineProperties() {
    }

    @ConfigurationProperties("database")
    public record Database(String url, @Min(0) int poolMin, @Min(1) @Max(500) int poolMax, @Min(100) long connectionTimeoutMs) {
    }

    @ConfigurationProperties("git")
    public record Git(String rootPath, @Min(1000) long commandTimeoutMs, @Min(0) int cloneDepth) {
    }

    @ConfigurationProperties("worktree")
    public record Worktree(String rootPath) {
    }

    @ConfigurationProperties("archive")
    public record Archive(String rootPath) {
    }

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
    @ConfigurationProperties("cleanup")
    public record Cleanup(@Pattern(regexp = "\\S+(\\s+\\S+){4,5}", message = "must be a cron expression of five fields (or six, seconds first), e.g. '0 * * * *'") String scheduleCron,
                          @Min(0) long diskWarningThresholdGb, @Min(0) long diskCriticalThresholdGb,
                          @Min(1000) long diskCheckIntervalMs) {
    }

    @ConfigurationProperties("agent")
    public record Agent(@Min(1) long startTimeoutMs, @Min(1) long queryTimeoutMs, @Min(1) long stopTimeoutMs, @Min(1) @Max(1000) int maxConcurrent) {
    }

    @ConfigurationProperties("shutdown")
    public record Shutdown(@Min(1) long timeoutMs) {
    }

    /**
     * The event bus (seed 001 §8.1, see {@code dev.baton.events}).
     *
     * @param type                  EVENT_BUS_TYPE: in-memory (handlers on the publishing thread) or redis (a Redis stream)
     * @param redisUrl              REDIS_URL: required when redis; {@code redis://[user:password@]host:port[/db]} or {@code rediss://}
     * @param retryMaxAttempts      EVENT_RETRY_MAX_ATTEMPTS: retries of a failing handler after its first attempt
     * @param retryDelayMs          EVENT_RETRY_DELAY_MS: between two attempts
     * @param stream                EVENT_BUS_STREAM: the Redis stream key (dead letters in {@code <stream>:dead-letter})
     * @param group                 the consumer group of the Baton servers
     * @param consumer              this server's name in the group; empty: host name and pid
     * @param maxLen                the stream is capped near this many entries
     * @param claimIdleMs           entries pending this long at another consumer are taken over
     * @param requestQueueSize      commands buffered while Redis is unreachable
     * @param commandTimeoutMs      a Redis command (a publish too) not answered within it fails
     */
    @ConfigurationProperties("event-bus")
    public record EventBus(@Pattern(regexp = "in-memory|redis", message = "must be in-memory or redis") String type, String redisUrl,
                           @Min(0) @Max(100) int retryMaxAttempts, @Min(0) long retryDelayMs, String stream, String group, String consumer,
                           @Min(1) long maxLen, @Min(100) long claimIdleMs, @Min(1) int requestQueueSize, @Min(100) long commandTimeoutMs)
            implements org.springframework.validation.Validator {

        public boolean redis() {
            return "redis".equals(type);
        }

        @Override
        public boolean supports(Class<?> clazz) {
            return EventBus.class.isAssignableFrom(clazz);
        }

        /** REDIS_URL is required with EVENT_BUS_TYPE=redis and must be a Redis URL (checked here, so start-up stops naming it). */
        @Override
        public void validate(Object target, org.springframework.validation.Errors errors) {
            EventBus bus = (EventBus) target;
            if (!bus.redis()) return;
            String why = null;
            if (bus.redisUrl() == null || bus.redisUrl().isBlank()) why = "must be set when EVENT_BUS_TYPE=redis (e.g. redis://localhost:6379)";
            else {
                try {
                    io.lettuce.core.RedisURI.create(bus.redisUrl());
                } catch (RuntimeException e) {
                    why = "is not a Redis URL (redis://[user:password@]host:port[/db] or rediss://…): " + e.getMessage();
                }
            }
            if (why == null) return;
            String shown = dev.baton.shared.SecretMasker.maskUrlCredentials(bus.redisUrl() == null ? "" : bus.redisUrl());
            FieldError error = new FieldError(errors.getObjectName(), "redisUrl", shown, false, new String[]{"redisUrl.invalid"}, null, why);
            if (errors instanceof org.springframework.validation.BindingResult result) result.addError(error);
            else errors.rejectValue("redisUrl", "redisUrl.invalid", why);
        }
    }

    /**
     * MCP servers (see McpConfiguration).
     *
     * @param validationTimeoutMs MCP_VALIDATION_TIMEOUT_MS: one initialize handshake of the connection check
     * @param maxServers          MCP_MAX_SERVERS: a servers file with more is refused at start-up
     * @param serversFile         BATON_MCP_SERVERS: the YAML file of the global MCP servers; empty means none
     */
    @ConfigurationProperties("mcp")
    public record Mcp(@Min(100) long validationTimeoutMs, @Min(1) @Max(10000) int maxServers, String serversFile) {
    }

    /**
     * OTEL_ENABLED, OTEL_EXPORTER_OTLP_ENDPOINT (traces, see TracingConfiguration), HEALTH_CHECK_INTERVAL_MS (the
     * period of the external dependency checks: the MCP server connections).
     */
    @ConfigurationProperties("monitoring")
    public record Monitoring(boolean otelEnabled, String otelExporterOtlpEndpoint, @Min(1000) long healthCheckIntervalMs) {
    }
}
