package dev.baton.spec.watch;

/**
 * What /ready shows for the spec watcher. {@code up} is false only when nothing notices changes any more; a
 * watcher running on a fallback (watch-service instead of watchman, or only the poller) is up and says so in
 * {@code detail}.
 */
public record WatcherHealth(boolean up, String mechanism, String detail) {
}
