package dev.baton.spec.store;

import dev.baton.shared.BatonException;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Mutual exclusion for read-modify-write of one spec file, between threads and between processes (the server,
 * SDK agents, other workers on the same volume). The OS lock is on a sidecar file in {@code .locks/} — never the
 * spec itself, which is replaced by rename — and the OS drops it when a holder dies, so no stale lock outlives
 * a crash. Threads of one JVM queue on a plain lock first, because one JVM may hold an OS lock only once.
 */
final class SpecFileLock {
    private static final ConcurrentHashMap<Path, ReentrantLock> LOCAL = new ConcurrentHashMap<>();

    private SpecFileLock() {
    }

    interface Held extends AutoCloseable {
        @Override
        void close();
    }

    static Held acquire(Path specFile, Duration timeout) {
        Path file = specFile.toAbsolutePath().normalize();
        long deadline = System.nanoTime() + timeout.toNanos();
        ReentrantLock local = LOCAL.computeIfAbsent(file, f -> new ReentrantLock());
        try {
            if (!local.tryLock(timeout.toNanos(), TimeUnit.NANOSECONDS)) throw busy(file, timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BatonException.Transient("spec.lock-interrupted", "interrupted while waiting for the lock of " + file, e);
        }
        FileChannel channel = null;
        try {
            Path lockFile = file.getParent().resolve(".locks").resolve(file.getFileName() + ".lock");
            Files.createDirectories(lockFile.getParent());
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            long pause = 50_000; // ns; grows to 5 ms so a long wait does not spin
            FileLock lock;
            while ((lock = channel.tryLock()) == null) {
                if (System.nanoTime() > deadline) throw busy(file, timeout);
                LockSupport.parkNanos(pause);
                pause = Math.min(pause * 2, 5_000_000);
            }
            FileChannel held = channel;
            FileLock osLock = lock;
            return () -> {
                try {
                    osLock.release();
                    held.close();
                } catch (IOException ignored) {
                    // closing the channel releases the lock anyway
                } finally {
                    local.unlock();
                }
            };
        } catch (IOException e) {
            closeQuietly(channel);
            local.unlock();
            throw new BatonException.Transient("spec.lock-failed", "cannot lock " + file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            local.unlock();
            throw e;
        }
    }

    private static BatonException busy(Path file, Duration timeout) {
        return new BatonException.Transient("spec.locked", file + " stayed locked by another writer for " + timeout.toMillis() + " ms", null);
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch == null) return;
        try {
            ch.close();
        } catch (IOException ignored) {
            // the lock error is what matters
        }
    }
}
