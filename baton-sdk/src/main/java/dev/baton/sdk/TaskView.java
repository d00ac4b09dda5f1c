package dev.baton.sdk;

import dev.baton.shared.BatonException;
import dev.baton.workflow.TaskStatus;

/**
 * One task of a spec as the file states it. Values are the file's text, so a file written by another kind of
 * agent is shown as it is rather than refused; any of them may be null.
 *
 * @param status the status word ({@code pending}, {@code in-progress}, …); null when the file states none
 */
public record TaskView(String id, String work, String assignedTo, String status, String startedAt, String query) {

    /** Whether the task is in {@code wanted}; a task without a status is pending, as Baton reads it. */
    public boolean is(TaskStatus wanted) {
        return wanted == statusOrNull();
    }

    /** The status as a {@link TaskStatus}: PENDING when none is stated, null for a word Baton does not know. */
    public TaskStatus statusOrNull() {
        if (status == null) return TaskStatus.PENDING;
        try {
            return TaskStatus.fromWord(status.strip());
        } catch (BatonException.Invalid unknownWord) {
            return null;
        }
    }
}
