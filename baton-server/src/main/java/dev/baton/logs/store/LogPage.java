package dev.baton.logs.store;

import java.util.List;

/**
 * @param lines     the lines found, by ascending offset
 * @param nextAfter pass as {@code after} to continue: the last offset looked at, matching or not
 */
public record LogPage(List<LogLine> lines, long nextAfter) {
}
