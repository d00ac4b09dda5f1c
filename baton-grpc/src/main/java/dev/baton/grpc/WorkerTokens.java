package dev.baton.grpc;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Per-worker tokens, from {@code BATON_WORKER_TOKENS}: {@code worker-a=token-a,worker-b=token-b}. A token
 * names its worker, so one leaked token lets nobody pose as another worker. Empty means no authentication
 * (a single machine on loopback).
 */
public final class WorkerTokens {

    private final Map<String, String> workerByToken;

    private WorkerTokens(Map<String, String> workerByToken) {
        this.workerByToken = Map.copyOf(workerByToken);
    }

    public static WorkerTokens none() {
        return new WorkerTokens(Map.of());
    }

    /**
     * Parses {@code id=token} pairs separated by commas.
     *
     * @throws IllegalArgumentException naming the offending pair (never the token itself)
     */
    public static WorkerTokens parse(String spec) {
        if (spec == null || spec.isBlank()) {
            return none();
        }
        Map<String, String> byToken = new LinkedHashMap<>();
        Map<String, String> byWorker = new LinkedHashMap<>();
        int index = 0;
        for (String pair : spec.split(",")) {
            index++;
            String trimmed = pair.trim();
            int eq = trimmed.indexOf('=');
            if (eq <= 0 || eq == trimmed.length() - 1) {
                throw new IllegalArgumentException("worker token entry " + index + " must be worker-id=token");
            }
            String worker = trimmed.substring(0, eq).trim();
            String token = trimmed.substring(eq + 1).trim();
            if (token.length() < 16) {
                throw new IllegalArgumentException("worker token of '" + worker + "' is shorter than 16 characters");
            }
            if (byWorker.put(worker, token) != null) {
                throw new IllegalArgumentException("worker '" + worker + "' has two tokens");
            }
            if (byToken.put(token, worker) != null) {
                throw new IllegalArgumentException("worker '" + worker + "' shares its token with another worker");
            }
        }
        return new WorkerTokens(byToken);
    }

    /** Tokens in one: a single worker with this id and token (for an embedded or a test worker). */
    public static WorkerTokens single(String workerId, String token) {
        return parse(workerId + "=" + token);
    }

    public boolean enabled() {
        return !workerByToken.isEmpty();
    }

    public int size() {
        return workerByToken.size();
    }

    /** The worker a token belongs to. Compares in constant time so a wrong token leaks no prefix. */
    public Optional<String> workerFor(String token) {
        if (token == null) {
            return Optional.empty();
        }
        byte[] given = token.getBytes(StandardCharsets.UTF_8);
        String found = null;
        for (Map.Entry<String, String> e : workerByToken.entrySet()) {
            if (MessageDigest.isEqual(given, e.getKey().getBytes(StandardCharsets.UTF_8))) {
                found = e.getValue();
            }
        }
        return Optional.ofNullable(found);
    }

    /** This set with one more worker: the server's own embedded worker gets a token generated at start. */
    public WorkerTokens with(String workerId, String token) {
        Map<String, String> more = new LinkedHashMap<>(workerByToken);
        more.put(token, workerId);
        return new WorkerTokens(more);
    }
}
