package dev.baton.engine;

import dev.baton.workflow.TaskStatus;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Where a run waits for a task that an outside agent carries out (seed 000's multi-agent mode): the agent
 * reports only by editing the spec file, and {@link SpecProgress} passes each status it reads on to here.
 */
final class OutsideTasks {
    private final ConcurrentHashMap<String, LinkedBlockingQueue<TaskStatus>> waiting = new ConcurrentHashMap<>();

    private static String key(String workflowId, String taskId) {
        return workflowId + "/" + taskId;
    }

    /** Starts listening before the run looks at the stored status, so no report falls in between. */
    Waiter open(String workflowId, String taskId) {
        String key = key(workflowId, taskId);
        LinkedBlockingQueue<TaskStatus> q = new LinkedBlockingQueue<>();
        waiting.put(key, q);
        return new Waiter(key, q);
    }

    void report(String workflowId, String taskId, TaskStatus status) {
        LinkedBlockingQueue<TaskStatus> q = waiting.get(key(workflowId, taskId));
        if (q != null) q.add(status);
    }

    final class Waiter implements AutoCloseable {
        private final String key;
        private final LinkedBlockingQueue<TaskStatus> queue;

        private Waiter(String key, LinkedBlockingQueue<TaskStatus> queue) {
            this.key = key;
            this.queue = queue;
        }

        /** @return the next reported status, or null after {@code millis} */
        TaskStatus next(long millis) throws InterruptedException {
            return queue.poll(millis, TimeUnit.MILLISECONDS);
        }

        @Override
        public void close() {
            waiting.remove(key, queue);
        }
    }
}
