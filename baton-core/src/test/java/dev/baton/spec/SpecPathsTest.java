package dev.baton.spec;

import dev.baton.shared.BatonException;
import dev.baton.shared.Problem;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.baton.spec.SpecFixture.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SpecPathsTest {
    @TempDir
    Path tmp;
    Path root;
    Path outside;

    @BeforeEach
    void setUp() throws IOException {
        root = Files.createDirectories(tmp.resolve("root"));
        outside = Files.createDirectories(tmp.resolve("outside"));
        Files.createDirectories(outside.resolve("repo/.git"));
        Files.createDirectories(root.resolve("a/b"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"../x", "..", "a/../../x", "a/b/../../../root-sibling", "./../x"})
    void refusesRelativePathsThatClimbOut(String raw) {
        assertThat(SpecPaths.resolve(root, raw).error()).contains("climbs out of the root folder");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/etc", "/etc/passwd", "/"})
    void refusesAbsolutePathsOutsideTheRoot(String raw) {
        assertThat(SpecPaths.resolve(root, raw).error()).contains("is outside the root folder");
    }

    @Test
    void acceptsPathsThatStayInsideEvenWhenTheyDoNotExistYet() throws IOException {
        Path real = root.toRealPath();
        assertThat(SpecPaths.resolve(root, "a/../a/b").path()).isEqualTo(real.resolve("a/b"));
        assertThat(SpecPaths.resolve(root, "new/file.diff").path()).isEqualTo(real.resolve("new/file.diff"));
        assertThat(SpecPaths.resolve(root, root.resolve("a").toString()).path()).isEqualTo(real.resolve("a"));
        assertThat(SpecPaths.resolve(root, ".").path()).isEqualTo(real);
    }

    @Test
    void refusesSymbolicLinksThatLeadOut() throws IOException {
        Files.createSymbolicLink(root.resolve("escape"), outside);
        Files.createSymbolicLink(root.resolve("a/inner"), root.resolve("a/b"));

        assertThat(SpecPaths.resolve(root, "escape").error()).contains("through a symbolic link");
        assertThat(SpecPaths.resolve(root, "escape/repo").error()).contains("through a symbolic link");
        // The file does not exist yet, but the folder it would be created in is outside.
        assertThat(SpecPaths.resolve(root, "escape/new.diff").error()).contains("through a symbolic link");
        assertThat(SpecPaths.resolve(root, "a/inner").path()).isEqualTo(root.toRealPath().resolve("a/b"));
    }

    @Test
    void refusesDanglingSymbolicLinks() throws IOException {
        Files.createSymbolicLink(root.resolve("dangling"), tmp.resolve("nowhere"));
        assertThat(SpecPaths.resolve(root, "dangling").error()).contains("whose target does not exist");
    }

    @Test
    void aRootReachedThroughASymbolicLinkStillWorks() throws IOException {
        Path linkedRoot = Files.createSymbolicLink(tmp.resolve("root-link"), root);
        assertThat(SpecPaths.resolve(linkedRoot, "a/b").path()).isEqualTo(root.toRealPath().resolve("a/b"));
        assertThat(SpecPaths.resolve(linkedRoot, root.toRealPath().resolve("a").toString()).path()).isEqualTo(root.toRealPath().resolve("a"));
        assertThat(SpecPaths.resolve(linkedRoot, "../outside").error()).contains("climbs out");
    }

    @Test
    void refusesInvalidPaths() {
        assertThat(SpecPaths.resolve(root, "a\0b").error()).isEqualTo("path contains a NUL character");
    }

    @Test
    void requireInsideThrowsInvalid() {
        assertThatThrownBy(() -> SpecPaths.requireInside(root, "../x"))
                .isInstanceOfSatisfying(BatonException.Invalid.class, e -> assertThat(e.code()).isEqualTo("path.outside-root"));
        assertThat(SpecPaths.requireInside(root, "a")).isDirectory();
    }

    @Test
    void writesPathsInsideTheRootRelativeToIt() throws IOException {
        Path real = root.toRealPath();
        assertThat(SpecPaths.relativeOrAbsolute(root, real.resolve("a/b"))).isEqualTo("a/b");
        assertThat(SpecPaths.relativeOrAbsolute(root, real)).isEqualTo(".");
        assertThat(SpecPaths.relativeOrAbsolute(root, outside)).isEqualTo(outside.toString());
        assertThat(SpecPaths.relativeOrAbsolute(null, outside)).isEqualTo(outside.toString());
    }

    @Test
    void theParserRefusesARepositoryBehindASymbolicLinkOutOfTheRoot() throws IOException {
        SpecFixture f = new SpecFixture(tmp.resolve("data"));
        Files.createSymbolicLink(f.repos.resolve("sneaky"), outside.resolve("repo"));
        Files.createSymbolicLink(f.diffs.resolve("out"), outside);

        var problems = f.problemsOf(text(
                "name: X",
                "repositories: [{name: s, path: sneaky}, {name: e, path: /etc}]",
                "works: [{id: w, name: W, agent: scripted}]",
                "tasks: [{id: T, work: w, query: go}]",
                "submissions:",
                "  - {taskId: T, path: ../../x.diff, timestamp: 2026-02-19T10:30:00Z}",
                "  - {taskId: T, path: out/x.diff, timestamp: 2026-02-19T10:30:00Z}"));

        assertThat(problems).extracting(Problem::field).containsExactly(
                "repositories[0].path", "repositories[1].path", "submissions[0].path", "submissions[1].path");
        assertThat(problems).extracting(Problem::message).satisfiesExactly(
                m -> assertThat(m).contains("through a symbolic link"),
                m -> assertThat(m).contains("outside the root folder"),
                m -> assertThat(m).contains("climbs out"),
                m -> assertThat(m).contains("through a symbolic link"));
    }
}
