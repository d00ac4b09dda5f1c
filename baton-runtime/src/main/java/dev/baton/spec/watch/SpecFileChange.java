package dev.baton.spec.watch;

import java.nio.file.Path;

/**
 * One spec file that may have changed. Reporting is at-least-once: the same state can be reported more than
 * once (consumers de-duplicate by content), but a change is never silently dropped.
 *
 * @param file   the spec file, inside the watched folder
 * @param exists whether the file was there at the time of the (latest folded) event
 * @param source what noticed it: {@code "watchman"}, {@code "watch-service"} or {@code "poller"}
 */
public record SpecFileChange(Path file, boolean exists, String source) {
}
