package dev.baton.git;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Real git repositories for tests. */
public final class GitFixtures {
    private GitFixtures() {
    }

    public static Path initRepository(Path dir, String file, String content) {
        new GitCli(java.time.Duration.ofSeconds(60)).init(dir, java.util.Map.of(file, content), "initial");
        return dir;
    }

    public static void git(Path dir, String... args) throws IOException, InterruptedException {
        List<String> argv = new java.util.ArrayList<>(List.of("git", "-C", dir.toString()));
        argv.addAll(List.of(args));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) throw new IllegalStateException(argv + " failed: " + out);
    }

    /** Runs git and returns its standard output; fails the test when git fails. */
    public static String output(Path dir, String... args) throws IOException, InterruptedException {
        List<String> argv = new java.util.ArrayList<>(List.of("git", "-C", dir.toString(), "-c", "user.name=Test", "-c", "user.email=test@localhost"));
        argv.addAll(List.of(args));
        Process p = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new IllegalStateException(argv + " failed");
        return out;
    }

    public static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
