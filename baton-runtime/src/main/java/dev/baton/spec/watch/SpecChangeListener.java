package dev.baton.spec.watch;

/** Receives spec file changes, one at a time and in order, on the watcher's delivery thread. */
@FunctionalInterface
public interface SpecChangeListener {
    void changed(SpecFileChange change);
}
