package dev.baton.coordination;

import dev.baton.engine.SpecProgress;
import dev.baton.shared.BatonException;
import dev.baton.shared.Problem;
import dev.baton.spec.StatusUpdate;
import dev.baton.spec.store.SpecSnapshot;
import dev.baton.spec.store.VersionedSpecFiles;
import dev.baton.spec.watch.SpecChangeListener;
import dev.baton.spec.watch.SpecFileChange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What happens when a spec file changes, whoever changed it: the new content is checked, a rewrite that kept
 * the old version gets the next one, outside agents' progress goes into the database, new diff submissions
 * go to the git manager, and a ping tells every listener. An invalid edit is refused — the file stays for its
 * author to fix, the error names file, line and field, and the last good state keeps running.
 */
public final class SpecChangeHandler implements SpecChangeListener {
    private static final Logger log = LoggerFactory.getLogger(SpecChangeHandler.class);

    /** The last content handled per spec, and the highest version seen. */
    private record Seen(String sha256, long version) {
    }

    private final VersionedSpecFiles store;
    private final SpecProgress progress;
    private final SpecPings pings;
    private final DiffSubmissions submissions;
    private final CoordinationMetrics metrics;
    private final Map<String, Seen> seen = new ConcurrentHashMap<>();
    private final Map<String, List<Problem>> errors = new ConcurrentHashMap<>();

    public SpecChangeHandler(VersionedSpecFiles store, SpecProgress progress, SpecPings pings, DiffSubmissions submissions,
                             CoordinationMetrics metrics) {
        this.store = store;
        this.progress = progress;
        this.pings = pings;
        this.submissions = submissions;
        this.metrics = metrics;
    }

    /**
     * A write through this server's own store (Baton itself, or an agent using the HTTP API): announced at once,
     * without waiting for the watcher, which will then skip the same content.
     */
    public synchronized void written(SpecSnapshot s) {
        Seen before = seen.get(s.specId());
        if (before != null && before.sha256().equals(s.sha256())) return;
        take(s.specId(), s.file().getFileName().toString(), s, before);
    }

    @Override
    public synchronized void changed(SpecFileChange change) {
        String name = change.file().getFileName().toString();
        String specId = name.substring(0, name.lastIndexOf('.') > 0 ? name.lastIndexOf('.') : name.length());
        Optional<SpecSnapshot> found = change.exists() ? read(change) : Optional.empty();
        if (found.isEmpty()) {
            seen.remove(specId);
            errors.remove(specId);
            pings.removed(specId, change.file());
            return;
        }
        SpecSnapshot s = found.get();
        Seen before = seen.get(specId);
        if (before != null && before.sha256().equals(s.sha256())) return;
        take(specId, name, s, before);
    }

    private void take(String specId, String name, SpecSnapshot s, Seen before) {
        StatusUpdate update;
        try {
            update = progress.read(name, s.content());
        } catch (BatonException.Invalid e) {
            refuse(specId, s, e);
            return;
        }
        if (errors.remove(specId) != null) log.info("{}: the spec file is valid again", s.file());
        if (before != null && s.version() <= before.version()) {
            // An agent rewrote the file without raising the version (seed 000's agents do): give it the next one.
            Optional<SpecSnapshot> bumped = store.assignNextVersion(s.file(), s.sha256(), before.version());
            if (bumped.isEmpty()) return; // changed again meanwhile; that change has its own event
            metrics.versionAssigned();
            s = bumped.get();
        }
        remember(s);
        List<SpecProgress.Change> changes = progress.apply(specId, update);
        if (!changes.isEmpty()) metrics.reconciled(changes.size());
        submissions.offer(specId, s);
        pings.changed(s);
    }

    /** The problems of each spec file whose last edit was refused; empty when all are valid. */
    public Map<String, List<Problem>> errors() {
        return Map.copyOf(errors);
    }

    private Optional<SpecSnapshot> read(SpecFileChange change) {
        try {
            return store.find(change.file());
        } catch (BatonException.Invalid e) {
            log.error("{}: {}", change.file(), e.getMessage());
            metrics.specInvalid();
            return Optional.empty();
        } catch (BatonException.Transient e) {
            log.warn("{}: cannot read it now ({}); the poller will look again", change.file(), e.getMessage());
            return Optional.empty();
        }
    }

    private void refuse(String specId, SpecSnapshot s, BatonException.Invalid e) {
        List<Problem> problems = e.problems().isEmpty() ? List.of(new Problem(s.file().toString(), 0, 0, null, e.getMessage())) : e.problems();
        errors.put(specId, problems);
        // Remember the content (not the version): the same bad content is reported once, and fixing it
        // without touching the version is still a change.
        Seen before = seen.get(specId);
        seen.put(specId, new Seen(s.sha256(), before == null ? 0 : before.version()));
        metrics.specInvalid();
        log.atError().addKeyValue("event", "SpecEditRefused").addKeyValue("specId", specId)
                .log("{}: edit refused, the last good state keeps running: {}", s.file(),
                        String.join("; ", problems.stream().map(Problem::toString).toList()));
    }

    private void remember(SpecSnapshot s) {
        seen.merge(s.specId(), new Seen(s.sha256(), s.version()),
                (old, now) -> now.version() >= old.version() ? now : new Seen(now.sha256(), old.version()));
    }
}
