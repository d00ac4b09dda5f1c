package dev.baton.coordination;

import dev.baton.engine.SpecProgress;
import dev.baton.shared.BatonException;
import dev.baton.shared.Problem;
import dev.baton.spec.SpecYaml;
import dev.baton.spec.StatusUpdate;
import dev.baton.spec.store.SpecSnapshot;
import dev.baton.spec.store.VersionedSpecFiles;
import dev.baton.spec.watch.SpecChangeListener;
import dev.baton.spec.watch.SpecFileChange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

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

    /**
     * The last content handled per spec: its bytes' hash, the highest version seen, and what it says (the tree
     * without {@code version}; null when it was invalid) — a rewrite that only changes formatting is no change.
     */
    private record Seen(String sha256, long version, JsonNode meaning) {
    }

    /** How long a writer that truncates and then writes (Node's fs.writeFile) may take before its file counts as invalid. */
    private static final long PARTIAL_WRITE_GRACE_MS = 30;

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
        take(s.specId(), s.file().getFileName().toString(), s, before, true);
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
        Read read = readOrWait(specId, name, s);
        if (read == null || (before != null && before.sha256().equals(read.snapshot().sha256()))) return;
        take(specId, name, read.snapshot(), before, read.update(), false);
    }

    /** A content that parsed, with what it says. */
    private record Read(SpecSnapshot snapshot, StatusUpdate update) {
    }

    /**
     * The file's status update; a file that does not parse is given a moment and read once more, because a
     * writer that truncates first (seed 000's agents) is caught half way now and then. Null when it is refused.
     */
    private Read readOrWait(String specId, String name, SpecSnapshot s) {
        try {
            return new Read(s, progress.read(name, s.content()));
        } catch (BatonException.Invalid first) {
            try {
                Thread.sleep(PARTIAL_WRITE_GRACE_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
            SpecSnapshot again = store.find(s.file()).orElse(null);
            if (again == null) return null;
            try {
                return new Read(again, progress.read(name, again.content()));
            } catch (BatonException.Invalid e) {
                refuse(specId, again, e);
                return null;
            }
        }
    }

    private void take(String specId, String name, SpecSnapshot s, Seen before, boolean byBaton) {
        StatusUpdate update;
        try {
            update = progress.read(name, s.content());
        } catch (BatonException.Invalid e) {
            refuse(specId, s, e);
            return;
        }
        take(specId, name, s, before, update, byBaton);
    }

    private void take(String specId, String name, SpecSnapshot s, Seen before, StatusUpdate update, boolean byBaton) {
        if (errors.remove(specId) != null) log.info("{}: the spec file is valid again", s.file());
        JsonNode meaning = meaning(s);
        if (before != null && meaning.equals(before.meaning())) {
            // Same content in other words (an agent that re-serialises the whole file on every ping):
            // neither a new version nor a ping, or agent and server would answer each other forever.
            seen.put(specId, new Seen(s.sha256(), Math.max(s.version(), before.version()), meaning));
            return;
        }
        if (before != null && s.version() <= before.version()) {
            // An agent rewrote the file without raising the version (seed 000's agents do): give it the next one.
            Optional<SpecSnapshot> bumped = store.assignNextVersion(s.file(), s.sha256(), before.version());
            if (bumped.isEmpty()) return; // changed again meanwhile; that change has its own event
            metrics.versionAssigned();
            s = bumped.get();
        }
        remember(s, meaning); // a new version alone does not change the meaning
        List<SpecProgress.Change> changes = progress.apply(specId, update, byBaton);
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
        seen.put(specId, new Seen(s.sha256(), before == null ? 0 : before.version(), null));
        metrics.specInvalid();
        log.atError().addKeyValue("event", "SpecEditRefused").addKeyValue("specId", specId)
                .log("{}: edit refused, the last good state keeps running: {}", s.file(),
                        String.join("; ", problems.stream().map(Problem::toString).toList()));
    }

    private void remember(SpecSnapshot s, JsonNode meaning) {
        seen.merge(s.specId(), new Seen(s.sha256(), s.version(), meaning),
                (old, now) -> now.version() >= old.version() ? now : new Seen(now.sha256(), old.version(), meaning));
    }

    /** The spec's tree without {@code version}; JSON trees compare by value, key order aside. */
    private static JsonNode meaning(SpecSnapshot s) {
        ObjectNode tree = SpecYaml.readTree(s.file().toString(), s.content());
        tree.remove("version");
        return tree;
    }
}
