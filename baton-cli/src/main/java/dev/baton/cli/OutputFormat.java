package dev.baton.cli;

/** {@code --output}: tables and lines for people, or the server's JSON for scripts. */
public enum OutputFormat {
    TABLE, JSON
}
