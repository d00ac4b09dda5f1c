package dev.baton.server;

import dev.baton.server.SettingRules.Min;
import dev.baton.server.SettingRules.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where agents run; defaults in application.yml.
 *
 * @param mode                BATON_DISPATCH: {@code embedded} (the server's own in-process worker with
 *                            AGENT_MAX_CONCURRENT slots, plus any connected {@code baton worker}) or {@code remote}
 *                            (connected workers only). Either way the engine hands agents to workers over gRPC:
 *                            there is no second, direct path.
 * @param heartbeatIntervalMs WORKER_HEARTBEAT_INTERVAL_MS: announced to workers
 * @param heartbeatExpiryMs   WORKER_HEARTBEAT_EXPIRY_MS: a worker silent this long is dropped, its tasks re-queued
 * @param workspacePushMaxBytes WORKSPACE_PUSH_MAX_BYTES: the largest change (a binary diff) a worker with its own workdir
 *                            may push for one repository after one task
 */
@ConfigurationProperties("dispatch")
public record DispatchProperties(@NotNull Mode mode, @Min(100) long heartbeatIntervalMs, @Min(200) long heartbeatExpiryMs,
                                 @Min(1024) long workspacePushMaxBytes) {

    public enum Mode { EMBEDDED, REMOTE }
}
