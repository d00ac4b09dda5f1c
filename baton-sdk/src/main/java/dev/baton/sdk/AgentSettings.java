package dev.baton.sdk;

import dev.baton.ping.nats.NatsSettings;
import dev.baton.shared.BatonException;
import dev.baton.shared.Ids;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How an agent reaches the specs and the other agents.
 *
 * @param agentId    the name tasks use in {@code assignedTo}; also the NATS connection name
 * @param natsUrl    null (or blank): no NATS, changes are found by the local watcher and poller alone
 * @param specRoot   the folder of spec files (Baton's {@code SPEC_ROOT}, {@code <data>/specs/active} by default)
 * @param diffsRoot  where submitted diffs are kept; paths in {@code submissions} are relative to it. Null: see
 *                   {@link #defaultDiffsRoot}
 * @param cacheTtl   how long {@link BatonAgentClient#read} may answer from memory (seed 000 §4.2: 30 s); any ping
 *                   or file event for the spec ends it early. Zero turns the cache off
 * @param retry      for locked files and I/O failures
 * @param quickCheck the poller's cheap size/mtime check, which heals lost pings and events
 * @param fullPoll   the poller's content-hash check, which also catches rewrites that kept size and mtime
 */
public record AgentSettings(String agentId, String natsUrl, Path specRoot, Path diffsRoot, Duration cacheTtl, RetryPolicy retry,
                            Duration quickCheck, Duration fullPoll) {

    public AgentSettings {
        if (!Ids.isSafe(agentId)) {
            throw new BatonException.Invalid("sdk.agent-id-invalid", "agent id '" + agentId
                    + "' must be 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        if (natsUrl != null && natsUrl.isBlank()) natsUrl = null;
        Objects.requireNonNull(specRoot, "specRoot");
        specRoot = specRoot.toAbsolutePath().normalize();
        diffsRoot = diffsRoot == null ? defaultDiffsRoot(specRoot) : diffsRoot.toAbsolutePath().normalize();
        if (cacheTtl == null || cacheTtl.isNegative()) throw invalid("cacheTtl must be zero or more, got " + cacheTtl);
        Objects.requireNonNull(retry, "retry");
        requirePositive("quickCheck", quickCheck);
        requirePositive("fullPoll", fullPoll);
    }

    /** 30 s cache, seed 000's retry policy, quick check every 2 s, full check every 60 s. */
    public static AgentSettings defaults(String agentId, String natsUrl, Path specRoot) {
        return new AgentSettings(agentId, natsUrl, specRoot, null, Duration.ofSeconds(30), RetryPolicy.defaults(),
                Duration.ofSeconds(2), Duration.ofSeconds(60));
    }

    /**
     * Seed 000 keeps specs in {@code /workspace/specs/active} and diffs in {@code /workspace/diffs}, and Baton's data
     * folder has the same shape ({@code specs/active}, {@code diffs}), which is where its git manager looks. Any other
     * spec folder gets a {@code diffs} folder beside it.
     */
    public static Path defaultDiffsRoot(Path specRoot) {
        Path root = specRoot.toAbsolutePath().normalize();
        Path parent = root.getParent();
        if (parent == null) return root.resolve("diffs");
        boolean seedLayout = root.getFileName().toString().equals("active") && parent.getFileName() != null
                && parent.getFileName().toString().equals("specs") && parent.getParent() != null;
        return seedLayout ? parent.getParent().resolve("diffs") : parent.resolve("diffs");
    }

    public AgentSettings withDiffsRoot(Path diffsRoot) {
        return new AgentSettings(agentId, natsUrl, specRoot, diffsRoot, cacheTtl, retry, quickCheck, fullPoll);
    }

    public AgentSettings withRetry(RetryPolicy retry) {
        return new AgentSettings(agentId, natsUrl, specRoot, diffsRoot, cacheTtl, retry, quickCheck, fullPoll);
    }

    public AgentSettings withCacheTtl(Duration cacheTtl) {
        return new AgentSettings(agentId, natsUrl, specRoot, diffsRoot, cacheTtl, retry, quickCheck, fullPoll);
    }

    public AgentSettings withPolling(Duration quickCheck, Duration fullPoll) {
        return new AgentSettings(agentId, natsUrl, specRoot, diffsRoot, cacheTtl, retry, quickCheck, fullPoll);
    }

    @Override
    public String toString() {
        // The generated toString would print a NATS password.
        String nats = natsUrl == null ? "none" : NatsSettings.defaults(natsUrl).maskedUrl();
        return "AgentSettings[agentId=%s, natsUrl=%s, specRoot=%s, diffsRoot=%s, cacheTtl=%s, retry=%s, quickCheck=%s, fullPoll=%s]"
                .formatted(agentId, nats, specRoot, diffsRoot, cacheTtl, retry, quickCheck, fullPoll);
    }

    private static void requirePositive(String name, Duration value) {
        if (value == null || value.isZero() || value.isNegative()) throw invalid(name + " must be positive, got " + value);
    }

    private static BatonException.Invalid invalid(String message) {
        return new BatonException.Invalid("sdk.settings-invalid", message);
    }
}
