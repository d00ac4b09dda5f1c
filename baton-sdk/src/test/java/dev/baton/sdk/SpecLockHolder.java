package dev.baton.sdk;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Child-JVM main: holds the OS lock of a spec file (the sidecar that VersionedSpecFiles locks) until its stdin
 * closes, as a slow writer in another process would.
 */
public final class SpecLockHolder {

    public static void main(String[] args) throws Exception {
        Path spec = Path.of(args[0]).toAbsolutePath().normalize();
        Path lockFile = spec.getParent().resolve(".locks").resolve(spec.getFileName() + ".lock");
        Files.createDirectories(lockFile.getParent());
        try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = ch.lock()) {
            System.out.println("locked " + lockFile + (lock.isShared() ? " (shared)" : ""));
            System.out.flush();
            while (System.in.read() >= 0) {
                // hold until the test closes stdin
            }
        }
        System.out.println("released");
    }
}
