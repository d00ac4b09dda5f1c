package dev.baton.logs.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A follower of one log: history from storage, then live lines, with no gap and no duplicate.
 *
 * <p>The writer hands over each group's lines with the new durable end and never waits: when this
 * subscriber's queue is full the lines are dropped. The subscriber's thread tracks the last offset it
 * examined; whenever the next queued line is not the one right after it, or the queue is empty while the
 * durable end is ahead, it reads the missing range from storage (bounded by the durable end, so it is all
 * there). Lines at or below the examined offset are skipped: nothing twice.
 */
public final class LiveSubscription implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LiveSubscription.class);
    private static final int CATCH_UP_PAGE = 1000;

    private final WorkflowLog target;
    private final LogQuery query;
    private final LogListener listener;
    private final int capacity;
    private final Runnable onClose;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<LogLine> queue = new ArrayDeque<>();
    private long knownEnd;
    private long dropped;
    private volatile boolean closed;
    private final java.util.concurrent.atomic.AtomicBoolean closing = new java.util.concurrent.atomic.AtomicBoolean();
    private long examined;
    private Thread thread;

    LiveSubscription(WorkflowLog target, LogQuery query, LogListener listener, int capacity, Runnable onClose) {
        this.target = target;
        this.query = query;
        this.listener = listener;
        this.capacity = capacity;
        this.onClose = onClose;
        this.examined = query.after();
    }

    void start() {
        long end = target.subscribe(this);
        lock.lock();
        try {
            knownEnd = Math.max(knownEnd, end);
        } finally {
            lock.unlock();
        }
        thread = Thread.ofVirtual().name("log-follow-" + target.key).start(this::run);
    }

    /** Writer thread: never blocks beyond this short lock; drops what does not fit. */
    void publish(List<LogLine> lines, long durableEnd) {
        lock.lock();
        try {
            knownEnd = Math.max(knownEnd, durableEnd);
            for (LogLine l : lines) {
                if (queue.size() < capacity) queue.add(l);
                else dropped++;
            }
            changed.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Lines the writer could not queue (read back from storage instead). */
    public long droppedToStorage() {
        lock.lock();
        try {
            return dropped;
        } finally {
            lock.unlock();
        }
    }

    public boolean isClosed() {
        return closed;
    }

    private void run() {
        try {
            while (!closed) {
                LogLine next;
                long end;
                lock.lock();
                try {
                    while (!closed && queue.isEmpty() && knownEnd <= examined) changed.await();
                    if (closed) return;
                    next = queue.poll();
                    end = knownEnd;
                } finally {
                    lock.unlock();
                }
                if (next == null) {
                    catchUp(end);
                } else if (next.offset() > examined) {
                    if (next.offset() > examined + 1) catchUp(next.offset() - 1);
                    if (next.offset() > examined) {
                        examined = next.offset();
                        if (query.matches(next)) listener.onLine(next);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable e) {
            if (!closed) {
                log.debug("log follower of {} ended: {}", target.key, e.toString());
                listener.onError(e);
            }
        } finally {
            close();
        }
    }

    private void catchUp(long upTo) throws Exception {
        while (!closed && examined < upTo) {
            LogPage page = LogReader.read(target, query.withAfter(examined).withLimit(CATCH_UP_PAGE), upTo);
            for (LogLine l : page.lines()) {
                if (closed) return;
                listener.onLine(l);
            }
            // nextAfter only stays put when nothing is left below upTo (deleted by retention): then skip ahead
            examined = page.nextAfter() > examined ? page.nextAfter() : upTo;
        }
    }

    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) return;
        closed = true;
        target.unsubscribe(this);
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        onClose.run();
    }
}
