package dev.baton.agent.process;

import java.util.ArrayDeque;

/** The last lines of a stream (stderr), bounded in lines and characters, for the report of a failure. */
final class LineTail {
    static final int MAX_LINES = 50;
    static final int MAX_CHARS = 4096;

    private final ArrayDeque<String> lines = new ArrayDeque<>();
    private int chars;

    synchronized void add(String line) {
        if (line.length() >= MAX_CHARS) line = "…" + line.substring(line.length() - MAX_CHARS + 2);
        lines.addLast(line);
        chars += line.length() + 1;
        while (lines.size() > MAX_LINES || chars > MAX_CHARS) {
            chars -= lines.removeFirst().length() + 1;
        }
    }

    /** Returns the kept lines and forgets them, so the next query reports only its own stderr. */
    synchronized String drain() {
        String text = String.join("\n", lines);
        lines.clear();
        chars = 0;
        return text;
    }
}
