package dev.baton.worker.logs;

import dev.baton.agent.AgentStart;
import dev.baton.shared.SecretMasker;

/**
 * Masks secrets in agent output before it is spooled: an agent that prints its environment or a token URL must
 * not carry the secret off the worker, into the log store and the live views (seed 001 §1.4 rules, plus the
 * worker's LOG_MASK_PATTERNS).
 */
public final class MaskingLogSink implements AgentLogSink {
    private final AgentLogSink next;
    private final SecretMasker masker;

    public MaskingLogSink(AgentLogSink next, SecretMasker masker) {
        this.next = next;
        this.masker = masker;
    }

    @Override
    public void line(String workflowId, String taskId, AgentStart.Source source, String line, boolean partial) {
        next.line(workflowId, taskId, source, masker.mask(line), partial);
    }
}
