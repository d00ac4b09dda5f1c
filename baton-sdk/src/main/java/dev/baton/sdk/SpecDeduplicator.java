package dev.baton.sdk;

import java.util.HashMap;
import java.util.Map;

/**
 * What one subscriber was handed already. The same change is announced several ways — the writer's ping, the
 * file watcher, the poller — and a handler must see each content once; a ping for a version the subscriber is
 * already past need not even be read. Not thread-safe: the client's delivery thread is its only user.
 */
final class SpecDeduplicator {
    private record Delivered(long version, String sha256) {
    }

    private final Map<String, Delivered> delivered = new HashMap<>();

    /**
     * Whether a ping is worth reading the file for. Not when it names content already handed over, nor a version
     * at or below the last one handed over. A ping without a version (a seed 000 bridge sends none) always is.
     */
    boolean worthReading(String specId, Long version, String sha256) {
        Delivered last = delivered.get(specId);
        if (last == null) return true;
        if (sha256 != null && sha256.equals(last.sha256())) return false;
        return version == null || version > last.version();
    }

    /** Records {@code view} as handed over; @return false when this very content was handed over last. */
    boolean firstTime(SpecView view) {
        Delivered last = delivered.get(view.specId());
        if (last != null && last.sha256().equals(view.sha256())) return false;
        delivered.put(view.specId(), new Delivered(view.version(), view.sha256()));
        return true;
    }

    /** The spec file is gone: whatever comes back under its name is news again. */
    void forget(String specId) {
        delivered.remove(specId);
    }
}
