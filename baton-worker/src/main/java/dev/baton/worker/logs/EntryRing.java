package dev.baton.worker.logs;

import dev.baton.grpc.v1.LogEntry;

import java.util.Arrays;

/**
 * The in-memory part of the spool: entries with consecutive sequences, taken off the front (acknowledged or
 * spilled) and added at the back, with access by position so a send can start anywhere. Not thread-safe.
 */
final class EntryRing {
    private LogEntry[] slots = new LogEntry[1024];
    private int head;
    private int size;

    boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }

    void addLast(LogEntry entry) {
        if (size == slots.length) grow();
        slots[(head + size) % slots.length] = entry;
        size++;
    }

    LogEntry first() {
        return slots[head];
    }

    LogEntry get(int index) {
        return slots[(head + index) % slots.length];
    }

    LogEntry removeFirst() {
        LogEntry entry = slots[head];
        slots[head] = null;
        head = (head + 1) % slots.length;
        size--;
        return entry;
    }

    private void grow() {
        LogEntry[] bigger = new LogEntry[slots.length * 2];
        for (int i = 0; i < size; i++) bigger[i] = get(i);
        Arrays.fill(slots, null);
        slots = bigger;
        head = 0;
    }
}
