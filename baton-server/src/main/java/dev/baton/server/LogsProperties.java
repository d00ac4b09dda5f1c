package dev.baton.server;

import dev.baton.server.SettingRules.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The durable log store ({@code <BATON_DATA_DIR>/logs}); defaults in application.yml.
 *
 * @param segmentBytes  BATON_LOG_SEGMENT_BYTES: a segment file is sealed at this size (64 MiB)
 * @param retentionDays BATON_LOG_RETENTION_DAYS: sealed segments last written longer ago are deleted (30)
 * @param queueBytes    BATON_LOG_QUEUE_BYTES: batches waiting for the writer; when full, workers are held back (64 MiB)
 * @param heartbeatMs   comment lines sent on idle live streams (SSE) so proxies and clients keep them open (15 s)
 */
@ConfigurationProperties("logs")
public record LogsProperties(@Min(4096) long segmentBytes, @Min(1) int retentionDays, @Min(1024) long queueBytes, @Min(10) long heartbeatMs) {
}
