package dev.baton.cli.client;

import java.util.List;

/** A page of log lines; {@code nextAfter} continues after the last offset the server looked at. */
public record LogPageView(List<LogLineView> lines, long nextAfter) {
}
