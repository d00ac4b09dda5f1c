package dev.baton.agent.process;

import java.util.ArrayDeque;

/**
 * Collects output lines up to a size limit, keeping the beginning and the end: an agent's answer usually
 * ends with its summary, while the beginning says what it set out to do. What is left out in between is
 * replaced by one line saying how much.
 */
final class CappedText {
    private final int headLimit;
    private final int tailLimit;
    private final StringBuilder head = new StringBuilder();
    private final ArrayDeque<String> tail = new ArrayDeque<>();
    private int tailChars;
    private long omittedChars;
    private long omittedLines;
    private boolean empty = true;

    /** @param limitChars roughly the most characters kept (half at the start, half at the end) */
    CappedText(int limitChars) {
        this.headLimit = limitChars / 2;
        this.tailLimit = limitChars - headLimit;
    }

    synchronized void appendLine(String line) {
        empty = false;
        if (tail.isEmpty() && head.length() + line.length() + 1 <= headLimit) {
            head.append(line).append('\n');
            return;
        }
        tail.addLast(line);
        tailChars += line.length() + 1;
        while (tailChars > tailLimit && tail.size() > 1) {
            String dropped = tail.removeFirst();
            tailChars -= dropped.length() + 1;
            omittedChars += dropped.length() + 1;
            omittedLines++;
        }
    }

    synchronized boolean truncated() {
        return omittedLines > 0;
    }

    /** The kept lines joined by {@code \n}, without a trailing newline. */
    synchronized String text() {
        if (empty) return "";
        StringBuilder sb = new StringBuilder(head);
        if (omittedLines > 0) {
            sb.append("[baton: ").append(omittedLines).append(" lines (").append(omittedChars)
                    .append(" characters) of output left out]\n");
        }
        for (String line : tail) sb.append(line).append('\n');
        sb.setLength(sb.length() - 1);
        return sb.toString();
    }
}
