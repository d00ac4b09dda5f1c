package dev.baton.ops;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/** Runs a checking tool (promtool, amtool, yamllint) the way the tests need it: installed, argv only, exit 0. */
public final class ExternalTool {

    private ExternalTool() {
    }

    /**
     * Runs {@code argv} in {@code dir} and returns its output; fails with that output when it exits non-zero, and
     * with how to install it when {@code argv[0]} is not on the PATH (a missing tool is a failure, never a skip).
     *
     * @param packages the Debian packages that bring the tool
     */
    public static String run(Path dir, String packages, String... argv) {
        requireOnPath(argv[0], packages);
        try {
            Process p = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("%s did not finish within 60 s:%n%s", String.join(" ", argv), out);
            }
            assertThat(p.exitValue()).as("%s exited %d:%n%s", String.join(" ", argv), p.exitValue(), out).isZero();
            return out;
        } catch (IOException e) {
            throw new AssertionError(String.join(" ", argv) + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static void requireOnPath(String name, String packages) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) return;
        }
        fail("%s is not installed (not on PATH). Run .ci/run, or: apt-get install -y %s", name, packages);
    }
}
