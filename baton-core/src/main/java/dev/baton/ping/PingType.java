package dev.baton.ping;

import java.util.Optional;

/** What a ping says happened; its subject doubles as the NATS subject and the JSON {@code type}. */
public enum PingType {
    SPEC_CHANGED("spec.changed"),
    SPEC_COMPLETED("spec.completed"),
    WORKER_NEEDED("worker.needed"),
    SYSTEM_HEALTH("system.health");

    private final String subject;

    PingType(String subject) {
        this.subject = subject;
    }

    public String subject() {
        return subject;
    }

    public static Optional<PingType> fromSubject(String subject) {
        for (PingType t : values()) {
            if (t.subject.equals(subject)) return Optional.of(t);
        }
        return Optional.empty();
    }
}
