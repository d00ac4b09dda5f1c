package dev.baton.cleanup;

import dev.baton.workflow.Checkpoint;
import dev.baton.workflow.Workflow;
import dev.baton.workflow.WorkflowStatus;
import org.junit.jupiter.api.Test;

import static dev.baton.cleanup.CleanupFixture.CHECKPOINT_RETENTION;
import static dev.baton.cleanup.CleanupFixture.T0;
import static org.assertj.core.api.Assertions.assertThat;

class CheckpointCleanupTest extends CleanupFixtureTest {
    @Test
    void invalidCheckpointsGoOnceTheRetentionHasPassedValidOnesNever() {
        Workflow wf = f.workflow(WorkflowStatus.COMPLETED, T0);
        f.invalidCheckpoint(wf, T0);
        Checkpoint valid = f.repository.addCheckpoint(new Checkpoint("cp-valid", wf.id(), "wk-b", 1, "app",
                "0123456789abcdef0123456789abcdef01234567", true, T0.minusSeconds(3600), null));

        f.clock.set(T0.plus(CHECKPOINT_RETENTION).minusSeconds(1));
        assertThat(f.checkpoints.deleteInvalid()).isZero();
        f.clock.set(T0.plus(CHECKPOINT_RETENTION));
        assertThat(f.checkpoints.deleteInvalid()).isZero();

        f.clock.set(T0.plus(CHECKPOINT_RETENTION).plusSeconds(1));
        assertThat(f.checkpoints.deleteInvalid()).isEqualTo(1);
        assertThat(f.repository.checkpoints(wf.id())).containsExactly(valid);
        assertThat(f.removed(CleanupMetrics.CHECKPOINT)).isEqualTo(1);
    }

    @Test
    void aWorkflowWithMoreThan200InvalidCheckpointsLosesThemAllAtOnceAWorkflowWith200KeepsItsRecentOnes() {
        Workflow storm = f.workflow(WorkflowStatus.RUNNING, null);
        Workflow calm = f.workflow(WorkflowStatus.RUNNING, null);
        for (int i = 0; i < CheckpointCleanup.INVALID_LIMIT + 1; i++) f.invalidCheckpoint(storm, T0);
        for (int i = 0; i < CheckpointCleanup.INVALID_LIMIT; i++) f.invalidCheckpoint(calm, T0);

        f.clock.set(T0.plusSeconds(1)); // all of them are fresh
        assertThat(f.checkpoints.deleteInvalid()).isEqualTo(CheckpointCleanup.INVALID_LIMIT + 1);

        assertThat(f.repository.checkpoints(storm.id())).isEmpty();
        assertThat(f.repository.checkpoints(calm.id())).hasSize(CheckpointCleanup.INVALID_LIMIT);
    }
}
