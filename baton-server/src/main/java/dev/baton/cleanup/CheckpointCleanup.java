package dev.baton.cleanup;

import dev.baton.engine.Correlation;
import dev.baton.workflow.Workflow;
import dev.baton.workflow.WorkflowRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * Seed 001 §7.3: invalid checkpoints are kept for history for CHECKPOINT_CLEANUP_DAYS, then deleted; a
 * workflow holding more than {@link #INVALID_LIMIT} of them (a reorder storm) loses them all at once.
 */
@SuppressWarnings("try") // correlation scopes are opened for their effect on the MDC only
public final class CheckpointCleanup {
    public static final int INVALID_LIMIT = 200;
    private static final Logger log = LoggerFactory.getLogger(CheckpointCleanup.class);
    private final WorkflowRepository repository;
    private final Clock clock;
    private final Duration retention;
    private final CleanupMetrics metrics;

    public CheckpointCleanup(WorkflowRepository repository, Clock clock, Duration retention, CleanupMetrics metrics) {
        this.repository = repository;
        this.clock = clock;
        this.retention = retention;
        this.metrics = metrics;
    }

    /** @return how many checkpoints were deleted */
    public int deleteInvalid() {
        int deleted = 0;
        for (Map.Entry<String, Integer> over : repository.invalidCheckpointCountsOver(INVALID_LIMIT).entrySet()) {
            String id = over.getKey();
            try (var ignored = Correlation.workflow(repository.find(id).map(Workflow::correlationId).orElse(null), id)) {
                int n = repository.deleteInvalidCheckpoints(id);
                log.atInfo().addKeyValue("event", "InvalidCheckpointsOverLimit").addKeyValue("invalid", over.getValue())
                        .addKeyValue("deleted", n)
                        .log("workflow {} held {} invalid checkpoints (more than {}): deleted them all", id, over.getValue(), INVALID_LIMIT);
                deleted += n;
            }
        }
        // Strictly older than the retention, like the other rules: the row's invalidated_at < now - retention.
        deleted += repository.deleteInvalidCheckpoints(clock.instant().minus(retention));
        metrics.removed(CleanupMetrics.CHECKPOINT, deleted);
        return deleted;
    }
}
