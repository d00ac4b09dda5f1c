package dev.baton.git;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DiffPathsTest {

    static String fileDiff(String oldPath, String newPath) {
        return """
                diff --git %s %s
                --- %s
                +++ %s
                @@ -1 +1 @@
                -a
                +b
                """.formatted(oldPath, newPath, oldPath, newPath);
    }

    @Test
    void anOrdinaryGitDiffIsFine() {
        String diff = fileDiff("a/src/Main.java", "b/src/Main.java") + """
                diff --git a/new.txt b/new.txt
                new file mode 100644
                index 0000000..3e75765
                --- /dev/null
                +++ b/new.txt
                @@ -0,0 +1 @@
                +new
                diff --git a/old name.txt b/new name.txt
                similarity index 100%
                rename from old name.txt
                rename to new name.txt
                diff --git a/run.sh b/run.sh
                old mode 100644
                new mode 100755
                """;

        assertThat(DiffPaths.problems(diff)).isEmpty();
        assertThat(DiffPaths.scan(diff).fileDiffs()).isEqualTo(4);
    }

    @Test
    void aPlainUnifiedDiffCountsAndIsChecked() {
        String diff = """
                --- src/a.txt\t2026-01-01 10:00:00
                +++ /etc/passwd\t2026-01-01 10:00:01
                @@ -1 +1 @@
                -a
                +b
                """;

        assertThat(DiffPaths.scan(diff).fileDiffs()).isEqualTo(1);
        assertThat(DiffPaths.problems(diff)).containsExactly("absolute path: /etc/passwd");
    }

    @Test
    void traversalAbsoluteAndGitFolderPathsAreNamed() {
        assertThat(DiffPaths.problems(fileDiff("a/../etc/passwd", "b/../etc/passwd")))
                .containsExactly("path outside the repository: ../etc/passwd");
        assertThat(DiffPaths.problems(fileDiff("a//abs/path", "b//abs/path"))).containsExactly("absolute path: /abs/path");
        assertThat(DiffPaths.problems(fileDiff("a/.git/config", "b/.git/config"))).containsExactly("path inside .git: .git/config");
        assertThat(DiffPaths.problems(fileDiff("a/sub/.GIT/hooks/pre-commit", "b/sub/.GIT/hooks/pre-commit")))
                .containsExactly("path inside .git: sub/.GIT/hooks/pre-commit");
        assertThat(DiffPaths.problems(fileDiff("a/a/../../x", "b/a/../../x"))).containsExactly("path outside the repository: a/../../x");
    }

    @Test
    void renameAndCopyTargetsAreChecked() {
        String diff = """
                diff --git a/x.txt b/x.txt
                similarity index 100%
                rename from x.txt
                rename to ../x.txt
                diff --git a/y.txt b/y.txt
                similarity index 100%
                copy from y.txt
                copy to .git/hooks/post-checkout
                """;

        assertThat(DiffPaths.problems(diff)).containsExactly(
                "path outside the repository: ../x.txt", "path inside .git: .git/hooks/post-checkout");
    }

    @Test
    void quotedPathsAreDecoded() {
        assertThat(DiffPaths.problems(fileDiff("\"a/caf\\303\\251 \\\"menu\\\".txt\"", "\"b/caf\\303\\251 \\\"menu\\\".txt\""))).isEmpty();
        assertThat(DiffPaths.problems(fileDiff("\"a/tab\\there\"", "\"b/../tab\\there\"")))
                .containsExactly("path outside the repository: ../tab\there");
        assertThat(DiffPaths.problems(fileDiff("\"a/x\\000y\"", "\"b/x\\000y\""))).containsExactly("path with a NUL byte: x\\0y");
        assertThat(DiffPaths.problems(fileDiff("\"a/unterminated", "b/x"))).isNotEmpty();
    }

    @Test
    void nulBytesAndUnparseableHeadersAreProblems() {
        assertThat(DiffPaths.problems(fileDiff("a/x", "b/x") + "\0")).containsExactly("the diff contains NUL bytes");
        assertThat(DiffPaths.problems("diff --git nospace\n")).containsExactly("cannot tell the paths apart in: diff --git nospace");
        assertThat(DiffPaths.problems("diff --git a/p b/q b/r\n")).hasSize(1).first().asString().startsWith("cannot tell");
    }

    @Test
    void linesInsideHunksAreNotHeaders() {
        // Removing "-- ../a" and adding "++ /b" shows as "--- ../a" and "+++ /b": content, not file names.
        String diff = """
                diff --git a/schema.sql b/schema.sql
                --- a/schema.sql
                +++ b/schema.sql
                @@ -1,2 +1,2 @@
                 create table t;
                --- ../a
                +++ /b
                """;

        assertThat(DiffPaths.problems(diff)).isEmpty();
        assertThat(DiffPaths.scan(diff).fileDiffs()).isEqualTo(1);
    }

    @Test
    void symlinksMustStayInsideTheRepository() {
        assertThat(DiffPaths.problems(symlink("link", "../../outside")))
                .containsExactly("symlink link points outside the repository: ../../outside");
        assertThat(DiffPaths.problems(symlink("link", "/etc"))).containsExactly("symlink link points outside the repository: /etc");
        assertThat(DiffPaths.problems(symlink("docs/link", "../.git"))).containsExactly("symlink docs/link points into .git: ../.git");
        assertThat(DiffPaths.problems(symlink("docs/link", "../README.md"))).isEmpty();
        assertThat(DiffPaths.problems(symlink("docs/link", "./a/../b"))).isEmpty();
    }

    @Test
    void aSymlinkRetargetedInPlaceIsChecked() {
        String diff = """
                diff --git a/link b/link
                index 1111111..2222222 120000
                --- a/link
                +++ b/link
                @@ -1 +1 @@
                -README.md
                \\ No newline at end of file
                +../../outside
                \\ No newline at end of file
                """;

        assertThat(DiffPaths.problems(diff)).containsExactly("symlink link points outside the repository: ../../outside");
    }

    @Test
    void textWithoutFileDiffsCountsNone() {
        assertThat(DiffPaths.scan("just some words\n--- not followed by plus\n").fileDiffs()).isZero();
    }

    static String symlink(String path, String target) {
        return """
                diff --git a/%s b/%s
                new file mode 120000
                --- /dev/null
                +++ b/%s
                @@ -0,0 +1 @@
                +%s
                \\ No newline at end of file
                """.formatted(path, path, path, target);
    }
}
