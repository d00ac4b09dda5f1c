package dev.baton.spec;

import dev.baton.shared.BatonException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AtomicFilesTest {
    @TempDir
    Path tmp;

    @Test
    void writesAndReplacesWithoutLeavingATempFile() throws IOException {
        Path target = tmp.resolve("specs/active/spec-1.yaml");

        AtomicFiles.write(target, "version: 1\n");
        AtomicFiles.write(target, "version: 2\nname: é\n");

        assertThat(target).hasContent("version: 2\nname: é\n");
        assertThat(files(target.getParent())).containsExactly("spec-1.yaml");
    }

    @Test
    void aFailedWriteKeepsTheOldContentAndRemovesTheTempFile() throws IOException {
        Path target = tmp.resolve("spec.yaml");
        AtomicFiles.write(target, "old\n");
        var seenTemp = new Path[1];

        assertThatThrownBy(() -> AtomicFiles.write(target, "new\n", temp -> {
            seenTemp[0] = temp;
            assertThat(temp.getParent()).isEqualTo(target.getParent());
            assertThat(temp).hasContent("new\n");
            throw new IOException("disk full");
        })).isInstanceOfSatisfying(BatonException.Transient.class, e -> {
            assertThat(e.code()).isEqualTo("file.write-failed");
            assertThat(e.getMessage()).contains("disk full");
        });

        assertThat(target).hasContent("old\n");
        assertThat(seenTemp[0]).doesNotExist();
        assertThat(files(tmp)).containsExactly("spec.yaml");
    }

    @Test
    void aTargetThatCannotBeReplacedFailsCleanly() throws IOException {
        Path target = Files.createDirectories(tmp.resolve("taken"));
        Files.writeString(target.resolve("inside"), "keep");

        assertThatThrownBy(() -> AtomicFiles.write(target, "x")).isInstanceOf(BatonException.Transient.class);

        assertThat(target.resolve("inside")).hasContent("keep");
        assertThat(files(tmp)).containsExactly("taken");
    }

    @Test
    void keepsThePermissionsOfTheFileItReplaces() throws IOException {
        Path target = tmp.resolve("spec.yaml");
        AtomicFiles.write(target, "v1\n");
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r-----"));

        AtomicFiles.write(target, "v2\n");

        assertThat(Files.getPosixFilePermissions(target)).isEqualTo(PosixFilePermissions.fromString("rw-r-----"));
    }

    @Test
    void aNewFileIsNotMadeOwnerOnly() throws IOException {
        // Files.createTempFile would give rw------- and hide the spec from agents running as another user.
        Path target = tmp.resolve("new.yaml");
        Path plain = Files.writeString(tmp.resolve("plain.txt"), "x");

        AtomicFiles.write(target, "v1\n");

        assertThat(Files.getPosixFilePermissions(target)).isEqualTo(Files.getPosixFilePermissions(plain));
    }

    private static java.util.List<String> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
