package dev.baton.coordination;

import dev.baton.ping.PingBusListener;
import dev.baton.ping.PingType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** The meters of spec coordination: pings by type and direction, reconciled and refused spec edits, diffs. */
public final class CoordinationMetrics implements PingBusListener {
    private final MeterRegistry registry;
    private final Counter specInvalid;
    private final Counter specReconciled;
    private final Counter versionsAssigned;

    public CoordinationMetrics(MeterRegistry registry) {
        this.registry = registry;
        specInvalid = Counter.builder("spec.edit.invalid").description("Spec file edits refused as invalid (the last good state stays)").register(registry);
        specReconciled = Counter.builder("spec.reconciled").description("Task changes taken over from spec files into the database").register(registry);
        versionsAssigned = Counter.builder("spec.version.assigned").description("Spec files rewritten without a new version that Baton gave the next one").register(registry);
    }

    @Override
    public void published(PingType t, int bytes) {
        Counter.builder("ping.published").tag("type", t.subject()).description("Pings sent").register(registry).increment();
    }

    @Override
    public void received(PingType t) {
        Counter.builder("ping.received").tag("type", t.subject()).description("Pings received").register(registry).increment();
    }

    @Override
    public void rejected(String reason) {
        Counter.builder("ping.rejected").tag("reason", kind(reason)).description("Pings not sent or not handled").register(registry).increment();
    }

    @Override
    public void connectionEvent(String event) {
        Counter.builder("ping.bus.connection").tag("event", event).description("Connection events of the ping bus").register(registry).increment();
    }

    /** A few fixed tag values, whatever the wording of the reason, so the series stay few. */
    private static String kind(String reason) {
        String r = reason == null ? "" : reason.toLowerCase(java.util.Locale.ROOT);
        if (r.contains("buffer")) return "reconnect-buffer-full";
        if (r.contains("large") || r.contains("size")) return "too-large";
        if (r.contains("malformed") || r.contains("json")) return "malformed";
        if (r.contains("handler")) return "handler-error";
        return "other";
    }

    void specInvalid() {
        specInvalid.increment();
    }

    void reconciled(int changes) {
        specReconciled.increment(changes);
    }

    void versionAssigned() {
        versionsAssigned.increment();
    }

    void diff(String outcome) {
        Counter.builder("git.diff.submission").tag("outcome", outcome).description("Submitted diffs by outcome").register(registry).increment();
    }
}
