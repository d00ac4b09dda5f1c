package dev.baton.cli.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code java -jar baton.jar demo}, as a new user runs it: twice in the same data folder. */
class DemoIT {
    private static final Duration DEMO_TIMEOUT = Duration.ofSeconds(240);
    private static final Pattern WORKFLOW_LINE = Pattern.compile("(?m)^Workflow (demo-[a-z0-9]+) \"");
    /** First line of each task's query in examples/demo/demo.yaml, in task order. */
    private static final List<String> QUERIES = List.of(
            "write docs/PLAN.md - add CHANGELOG.md to app",
            "write docs/PLAN.md - add a greeting to app/hello.txt",
            "write app/CHANGELOG.md ## 0.1.0 - first release prepared by Baton",
            "write app/hello.txt Hello from a Baton agent");

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path tmp;

    @Test
    void theDemoCompletesWithReportsAndCheckpointCommitsAndCanRunAgainInTheSameDataFolder() throws IOException {
        Path data = tmp.resolve("data");

        String first = runDemo(data);
        assertDemoResult(data, first);
        // The demo repositories now exist; a second run reuses them for a second workflow.
        String second = runDemo(data);
        assertThat(second).isNotEqualTo(first);
        assertDemoResult(data, second);
        assertThat(It.git(data.resolve("git/demo/app"), "branch", "--list", "baton/*", "--format=%(refname:short)").lines())
                .containsExactlyInAnyOrder("baton/" + first, "baton/" + second);
        assertThat(It.git(data.resolve("git/demo/app"), "log", "--format=%s", "main").lines()).as("main is untouched")
                .containsExactly("initial");
    }

    /** Runs the demo, checks its exit status and output, returns the workflow id it printed. */
    private String runDemo(Path data) throws IOException {
        Files.createDirectories(data);
        It.CliResult r = It.cli(tmp, Map.of("BATON_DATA_DIR", data.toString()), DEMO_TIMEOUT, "demo");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).as(r.toString()).contains("Result: COMPLETED", "WorkflowCompleted", "Reports:", "Checkpoints (");
        assertThat(r.out().lines()).as("no JSON log line on the console (they go to <data>/logs/baton.log)")
                .noneMatch(l -> l.startsWith("{"));
        Matcher m = WORKFLOW_LINE.matcher(r.out());
        assertThat(m.find()).as("a 'Workflow <id>' line in\n%s", r.out()).isTrue();
        String id = m.group(1);
        assertThat(r.out()).contains("on branch baton/" + id, "Worktrees: " + data.resolve("worktrees").resolve(id));

        // The printed reports: the four files, each holding its task's query.
        List<Path> reports = r.out().lines().dropWhile(l -> !l.equals("Reports:")).skip(1).takeWhile(l -> l.startsWith("  "))
                .map(l -> Path.of(l.strip())).toList();
        assertThat(reports).as(r.out()).hasSize(4).allSatisfy(p -> assertThat(p).isRegularFile()
                .startsWith(data.resolve("workflows").resolve(id).resolve("reports")));
        for (int i = 0; i < QUERIES.size(); i++) {
            assertThat(Files.readString(reports.get(i))).as("report %s", reports.get(i))
                    .contains("TASK-00" + (i + 1), QUERIES.get(i), "Exit status | 0");
        }
        return id;
    }

    private static void assertDemoResult(Path data, String id) throws IOException {
        // Two checkpoint commits (one per work) on top of `initial`, in each demo repository.
        assertThat(It.git(data.resolve("git/demo/app"), "log", "--format=%s", "baton/" + id).lines()).containsExactly(
                "baton: checkpoint wk-build (work 2 of 2) [" + id + "]", "baton: checkpoint wk-plan (work 1 of 2) [" + id + "]", "initial");
        assertThat(It.git(data.resolve("git/demo/docs"), "log", "--format=%s", "baton/" + id).lines()).containsExactly(
                "baton: checkpoint wk-build (work 2 of 2) [" + id + "]", "baton: checkpoint wk-plan (work 1 of 2) [" + id + "]", "initial");
        // What the agents wrote is committed, once.
        assertThat(It.git(data.resolve("git/demo/app"), "show", "baton/" + id + ":hello.txt").lines())
                .containsExactly("Hello", "Hello from a Baton agent");
        assertThat(It.git(data.resolve("git/demo/app"), "show", "baton/" + id + ":CHANGELOG.md").lines())
                .containsExactly("## 0.1.0 - first release prepared by Baton");
        assertThat(It.git(data.resolve("git/demo/docs"), "show", "baton/" + id + ":PLAN.md").lines())
                .containsExactly("- add CHANGELOG.md to app", "- add a greeting to app/hello.txt");
        assertThat(data.resolve("specs/active").resolve(id + ".yaml")).isRegularFile();
        assertThat(data.resolve("logs/baton.log")).isNotEmptyFile();
    }
}
