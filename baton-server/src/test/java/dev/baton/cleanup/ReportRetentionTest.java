package dev.baton.cleanup;

import dev.baton.workflow.Workflow;
import dev.baton.workflow.WorkflowStatus;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static dev.baton.cleanup.CleanupFixture.ARCHIVE_AFTER;
import static dev.baton.cleanup.CleanupFixture.DELETE_AFTER;
import static dev.baton.cleanup.CleanupFixture.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

class ReportRetentionTest extends CleanupFixtureTest {
    @Test
    void reportsOlderThanTheArchiveAgeArePackedIntoATarGzThatHoldsThemAndAreRemoved() throws Exception {
        Workflow wf = f.workflow(WorkflowStatus.COMPLETED, T0);
        Path first = f.report(wf, "00-wk-a/00-TASK-001.md", "# first\n", T0);
        Path second = f.report(wf, "01-wk-b/00-TASK-002.md", "# second\nwith a longer body " + "x".repeat(700) + "\n", T0);
        Path fresh = f.report(wf, "01-wk-b/01-TASK-003.md", "# fresh\n", T0.plus(Duration.ofDays(1)));

        f.clock.set(T0.plus(ARCHIVE_AFTER).minusSeconds(1));
        assertThat(f.reports.archiveOld()).isZero();
        assertThat(first).exists();

        f.clock.set(T0.plus(ARCHIVE_AFTER).plusSeconds(1));
        assertThat(f.reports.archiveOld()).isEqualTo(2);

        Path archive = f.layout.archiveRoot().resolve(wf.id()).resolve("reports-2026-03-08.tar.gz");
        assertThat(TarGzReader.read(archive)).containsExactly(
                entry("00-wk-a/00-TASK-001.md", "# first\n"),
                entry("01-wk-b/00-TASK-002.md", "# second\nwith a longer body " + "x".repeat(700) + "\n"));
        assertThat(first).doesNotExist();
        assertThat(second).doesNotExist();
        assertThat(first.getParent()).as("emptied work folder").doesNotExist();
        assertThat(fresh).hasContent("# fresh");
        assertThat(f.layout.reportsDir(wf.id())).as("workspaces link to it").isDirectory();
        assertThat(f.removed(CleanupMetrics.REPORT)).isEqualTo(2);
    }

    @Test
    void aSecondArchiveOnTheSameDayGetsItsOwnNameAndSystemTarReadsIt() throws Exception {
        Workflow wf = f.workflow(WorkflowStatus.COMPLETED, T0);
        f.report(wf, "a.md", "a", T0);
        f.clock.set(T0.plus(ARCHIVE_AFTER).plusSeconds(1));
        f.reports.archiveOld();
        f.report(wf, "b/" + "long-folder-name/".repeat(6) + "report.md", "b", T0);
        f.reports.archiveOld();

        Path day = f.layout.archiveRoot().resolve(wf.id());
        assertThat(TarGzReader.read(day.resolve("reports-2026-03-08.tar.gz"))).containsOnlyKeys("a.md");
        Path second = day.resolve("reports-2026-03-08-2.tar.gz");
        String longName = "b/" + "long-folder-name/".repeat(6) + "report.md";
        assertThat(TarGzReader.read(second)).containsExactly(entry(longName, "b"));
        Process tar = new ProcessBuilder("tar", "-tzf", second.toString()).redirectErrorStream(true).start();
        assertThat(new String(tar.getInputStream().readAllBytes()).trim()).isEqualTo(longName);
        assertThat(tar.waitFor()).isZero();
    }

    @Test
    void reportsOfActiveWorkflowsStayWhateverTheirAge() throws Exception {
        Workflow running = f.workflow(WorkflowStatus.RUNNING, null);
        Workflow paused = f.workflow(WorkflowStatus.PAUSED, null);
        Path a = f.report(running, "r.md", "r", T0);
        Path b = f.report(paused, "p.md", "p", T0);

        f.clock.set(T0.plus(Duration.ofDays(365)));
        assertThat(f.reports.archiveOld()).isZero();
        assertThat(a).exists();
        assertThat(b).exists();
    }

    @Test
    void archivesOlderThanTheDeleteAgeAreDeletedAndTheReportRowsStay() throws Exception {
        Workflow wf = f.workflow(WorkflowStatus.COMPLETED, T0);
        f.repository.addReport(new dev.baton.workflow.Report("rp-1", wf.id(), "wk-a", "TASK-001", "workflows/" + wf.id() + "/reports/a.md", T0));
        f.report(wf, "a.md", "a", T0);
        Instant archivedAt = T0.plus(ARCHIVE_AFTER).plusSeconds(1);
        f.clock.set(archivedAt);
        f.reports.archiveOld();
        assertThat(f.reports.archivesOldestFirst()).hasSize(1);

        f.clock.set(archivedAt.plus(DELETE_AFTER).minusSeconds(1));
        assertThat(f.reports.deleteExpiredArchives()).isZero();

        f.clock.set(archivedAt.plus(DELETE_AFTER).plusSeconds(1));
        assertThat(f.reports.deleteExpiredArchives()).isEqualTo(1);
        assertThat(f.reports.archivesOldestFirst()).isEmpty();
        assertThat(f.layout.archiveRoot().resolve(wf.id())).doesNotExist();
        assertThat(f.repository.reports(wf.id())).hasSize(1);
        assertThat(f.removed(CleanupMetrics.ARCHIVE)).isEqualTo(1);
    }
}
