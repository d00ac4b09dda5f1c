package dev.baton.agent.process;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Kills a process and everything it started. Agents run tools, test suites and language servers; killing
 * only the agent would leave those running (and holding the workspace) after a timeout or a cancel.
 */
public final class ProcessTree {
    /** How long to wait for the kernel to finish off SIGKILLed processes before giving up on them. */
    private static final Duration AFTER_KILL = Duration.ofSeconds(10);
    private static final long MAX_POLL_MILLIS = 100;

    private static final Logger log = LoggerFactory.getLogger(ProcessTree.class);

    private ProcessTree() {
    }

    /**
     * SIGTERM to the process and all its descendants, then SIGKILL to whatever still runs after
     * {@code grace}. Returns once all are gone (or, if the kernel is very slow, after a bounded wait).
     * The descendants are collected before the first signal: once a parent dies its children are
     * re-parented and can no longer be found from it.
     */
    public static void kill(ProcessHandle root, Duration grace) {
        List<ProcessHandle> tree = snapshot(List.of(root));
        tree.forEach(ProcessHandle::destroy);
        if (awaitGone(tree, grace)) return;
        // Survivors may have started new children since the snapshot: collect again before SIGKILL.
        List<ProcessHandle> left = snapshot(tree.stream().filter(ProcessTree::isRunning).toList());
        left.forEach(ProcessHandle::destroyForcibly);
        if (!awaitGone(left, AFTER_KILL)) {
            log.warn("processes still running after SIGKILL: {}", left.stream().filter(ProcessTree::isRunning).map(ProcessHandle::pid).toList());
        }
    }

    /**
     * Alive and not a zombie. A killed grandchild whose parent is gone stays a zombie until the init
     * process reaps it, which some container inits do late or never (and the JDK counts zombies as alive);
     * a zombie runs no code and holds no files, so for Baton it is gone.
     */
    public static boolean isRunning(ProcessHandle process) {
        return process.isAlive() && !isZombie(process.pid());
    }

    private static boolean isZombie(long pid) {
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        try {
            String text = Files.readString(stat);
            // Format: "pid (command) S …"; the command may contain spaces and parentheses.
            int end = text.lastIndexOf(')');
            return end > 0 && end + 2 < text.length() && text.charAt(end + 2) == 'Z';
        } catch (IOException | RuntimeException e) {
            return false; // no /proc (not Linux) or the process just vanished: isAlive() decides
        }
    }

    /** The given processes and all their living descendants, parents before children. */
    static List<ProcessHandle> snapshot(List<ProcessHandle> roots) {
        Set<ProcessHandle> all = new LinkedHashSet<>();
        for (ProcessHandle root : roots) {
            all.add(root);
            root.descendants().forEach(all::add);
        }
        return new ArrayList<>(all);
    }

    /**
     * Polls with a short, growing sleep: {@code ProcessHandle.onExit()} of a process that is not our
     * child polls too, but only every few hundred milliseconds and without knowing about zombies.
     */
    private static boolean awaitGone(List<ProcessHandle> processes, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long pause = 5;
        while (processes.stream().anyMatch(ProcessTree::isRunning)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) return false;
            try {
                Thread.sleep(Math.min(pause, Math.max(1, left / 1_000_000)));
            } catch (InterruptedException e) {
                // Keep killing (a half-killed tree is worse than a late return) but keep the interrupt.
                Thread.currentThread().interrupt();
                return processes.stream().noneMatch(ProcessTree::isRunning);
            }
            pause = Math.min(pause * 2, MAX_POLL_MILLIS);
        }
        return true;
    }
}
