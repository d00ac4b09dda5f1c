package dev.baton.spec.watch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** Settings, a recording listener and the watchman CLI for the watcher tests. */
final class WatchFixtures {

    private WatchFixtures() {
    }

    static WatchSettings settings(boolean useWatchman, Duration quickCheck, Duration poll, Duration window) {
        return new WatchSettings(useWatchman, poll, quickCheck, window, "watchman");
    }

    /** Poller slow enough that what a test sees came from the live source. */
    static WatchSettings liveOnly(boolean useWatchman, Duration window) {
        return settings(useWatchman, Duration.ofMinutes(10), Duration.ofMinutes(10), window);
    }

    static boolean watchmanInstalled() {
        return run("watchman", "--version") != null;
    }

    /** Runs the watchman CLI (or any argv) and returns its output, or null when it could not run or failed. */
    static String run(String... argv) {
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            p.getOutputStream().close();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            String out = new String(p.getInputStream().readAllBytes());
            return p.exitValue() == 0 ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** A report as a consumer sees it: the file's content is read on delivery, as the real consumer does. */
    record Seen(SpecFileChange change, String content, String thread) {
    }

    static final class Recorder implements SpecChangeListener {
        final List<Seen> seen = new CopyOnWriteArrayList<>();

        @Override
        public void changed(SpecFileChange change) {
            String content = null;
            try {
                if (change.exists()) content = Files.readString(change.file());
            } catch (NoSuchFileException e) {
                // deleted after the report; the delete comes as a report of its own
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            seen.add(new Seen(change, content, Thread.currentThread().getName()));
        }

        List<Seen> of(Path file) {
            return seen.stream().filter(s -> s.change().file().equals(file)).toList();
        }

        Seen last(Path file) {
            List<Seen> all = of(file);
            return all.isEmpty() ? null : all.get(all.size() - 1);
        }

        List<Path> files() {
            return seen.stream().map(s -> s.change().file()).distinct().toList();
        }
    }
}
