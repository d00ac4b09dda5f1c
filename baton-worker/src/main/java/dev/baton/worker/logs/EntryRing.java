package dev.baton.worker.logs;

import java.util.Arrays;

/**
 * The in-memory part of the spool: serialized entries (LogEntry bytes) with ascending sequences, taken off the
 * front (acknowledged or spilled) and added at the back, with access by position so a send can start anywhere.
 * Each sequence is kept beside its bytes, so nothing is parsed to find where a send starts. Not thread-safe.
 */
final class EntryRing {
    private byte[][] slots = new byte[1024][];
    private long[] sequences = new long[1024];
    private int head;
    private int size;

    boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }

    void addLast(long sequence, byte[] entry) {
        if (size == slots.length) grow();
        int at = (head + size) & (slots.length - 1);
        slots[at] = entry;
        sequences[at] = sequence;
        size++;
    }

    byte[] first() {
        return slots[head];
    }

    long firstSequence() {
        return sequences[head];
    }

    byte[] get(int index) {
        return slots[(head + index) & (slots.length - 1)];
    }

    long sequence(int index) {
        return sequences[(head + index) & (slots.length - 1)];
    }

    byte[] removeFirst() {
        byte[] entry = slots[head];
        slots[head] = null;
        head = (head + 1) & (slots.length - 1);
        size--;
        return entry;
    }

    /**
     * Position of the first entry whose sequence is at least {@code sequence} ({@link #size()} when none).
     * Sequences ascend but need not be consecutive (a gap entry stands for several), hence a search.
     */
    int indexOf(long sequence) {
        int low = 0;
        int high = size;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (sequence(mid) < sequence) low = mid + 1;
            else high = mid;
        }
        return low;
    }

    private void grow() {
        // Capacity stays a power of two: positions wrap with a mask.
        byte[][] biggerSlots = new byte[slots.length * 2][];
        long[] biggerSequences = new long[slots.length * 2];
        for (int i = 0; i < size; i++) {
            biggerSlots[i] = get(i);
            biggerSequences[i] = sequence(i);
        }
        Arrays.fill(slots, null);
        slots = biggerSlots;
        sequences = biggerSequences;
        head = 0;
    }
}
