package dev.baton.engine;

import dev.baton.workflow.WorkflowEvent;
import dev.baton.workflow.WorkflowRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Keeps each workflow's spec file showing its current task statuses. Events only mark a workflow as
 * changed; one background thread rewrites the files of changed workflows — the first change at once (so its
 * ping is not held back), then at most every {@code settle}, so a burst of task updates costs one more file
 * write and the run never waits for disk.
 */
final class SpecFileSync implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SpecFileSync.class);
    private final SpecFiles files;
    private final WorkflowRepository repository;
    private final Duration settle;
    private final Set<String> changed = new LinkedHashSet<>();
    /**
     * One flush at a time: the writer thread may have taken a workflow off {@link #changed} and be writing its
     * file; a flush before shutdown must wait for that write, not find nothing to do and return early.
     */
    private final Object flushing = new Object();
    private final Thread writer;
    private volatile boolean closed;

    SpecFileSync(SpecFiles files, WorkflowRepository repository, Duration settle) {
        this.files = files;
        this.repository = repository;
        this.settle = settle;
        this.writer = Thread.ofVirtual().name("spec-file-sync").start(this::loop);
    }

    /** Event handler: remembers which workflow's file is out of date. */
    void on(WorkflowEvent event) {
        if (event instanceof WorkflowEvent.WorkflowCreated || event instanceof WorkflowEvent.WorkflowDeleted) return;
        synchronized (changed) {
            changed.add(event.workflowId());
            changed.notifyAll();
        }
    }

    /** Writes every pending file now, after any write in progress (used before shutdown and by tests). */
    void flush() {
        synchronized (flushing) {
            Set<String> ids;
            synchronized (changed) {
                ids = new LinkedHashSet<>(changed);
                changed.clear();
            }
            for (String id : ids) {
                try {
                    files.update(id, repository::find);
                } catch (RuntimeException e) {
                    log.warn("cannot update the spec file of {}: {}", id, e.getMessage());
                }
            }
        }
    }

    private void loop() {
        while (!closed) {
            try {
                synchronized (changed) {
                    while (changed.isEmpty() && !closed) changed.wait();
                }
                flush();
                Thread.sleep(settle);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * Lets the writer finish the file it is writing (an interrupt could abort that write half-way) and writes
     * what is still pending.
     */
    @Override
    public void close() {
        closed = true;
        synchronized (changed) {
            changed.notifyAll();
        }
        try {
            if (!writer.join(Duration.ofSeconds(5))) writer.interrupt();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flush();
    }
}
