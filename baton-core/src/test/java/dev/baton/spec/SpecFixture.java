package dev.baton.spec;

import dev.baton.shared.BatonException;
import dev.baton.shared.Problem;
import org.assertj.core.api.ThrowableAssert;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A data folder with a repositories root holding git repositories {@code app} and {@code lib}, and a diffs root. */
final class SpecFixture {
    final Path base;
    final Path repos;
    final Path diffs;
    final SpecContext ctx;
    final SpecParser parser = new SpecParser();

    SpecFixture(Path base) throws IOException {
        this.base = base;
        this.repos = Files.createDirectories(base.resolve("git"));
        this.diffs = Files.createDirectories(base.resolve("diffs"));
        Files.createDirectories(repos.resolve("app/.git"));
        Files.createDirectories(repos.resolve("lib/.git"));
        this.ctx = SpecContext.of(repos, diffs, Set.of("scripted", "claude"), Set.of("github", "fs", "ok", "docs"));
    }

    SpecDocument parse(String content) {
        return parser.parse("spec.yaml", content, ctx);
    }

    /** The problems {@code call} fails with (it must fail with {@link BatonException.Invalid}). */
    static List<Problem> problems(ThrowableAssert.ThrowingCallable call) {
        var holder = new Object() {
            List<Problem> problems;
        };
        assertThatThrownBy(call).isInstanceOfSatisfying(BatonException.Invalid.class, e -> holder.problems = e.problems());
        return holder.problems;
    }

    List<Problem> problemsOf(String content) {
        return problems(() -> parse(content));
    }

    static String text(String... lines) {
        return String.join("\n", lines) + "\n";
    }

    /** A valid spec used as the base of most tests; line numbers matter to several of them. */
    static final String VALID = text(
            "id: spec-demo-001",                       // 1
            "version: 3",                              // 2
            "status: pending",                         // 3
            "name: Demo workflow",                     // 4
            "repositories:",                           // 5
            "  - name: app",                           // 6
            "    path: app",                           // 7
            "works:",                                  // 8
            "  - id: wk-plan",                         // 9
            "    name: Plan",                          // 10
            "    agent: scripted",                     // 11
            "    model: some-model",                   // 12
            "    mcpServers: [github]",                // 13
            "  - name: Build",                         // 14
            "    agent: claude",                       // 15
            "tasks:",                                  // 16
            "  - id: TASK-001",                        // 17
            "    work: wk-plan",                       // 18
            "    query: \"Write a plan\"",             // 19
            "    assignedTo: agent-a",                 // 20
            "    status: in-progress",                 // 21
            "    startedAt: 2026-02-19T10:00:00Z",     // 22
            "  - work: Build",                         // 23
            "    query: |",                            // 24
            "      Build it.",                         // 25
            "      Then test it.",                     // 26
            "  - id: TASK-003",                        // 27
            "    work: wk-plan",                       // 28
            "    query: Review the plan",              // 29
            "    status: completed",                   // 30
            "submissions:",                            // 31
            "  - taskId: TASK-001",                    // 32
            "    path: diffs-a/TASK-001.diff",         // 33
            "    timestamp: 2026-02-19T10:30:00Z",     // 34
            "x-team: platform",                        // 35
            "labels:",                                 // 36
            "  - a",                                   // 37
            "  - 2");                                  // 38
}
