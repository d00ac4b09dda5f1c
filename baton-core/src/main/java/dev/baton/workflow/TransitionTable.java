package dev.baton.workflow;

import dev.baton.shared.BatonException;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * A lifecycle written down as data: which status may follow which. Every status change in the
 * domain asks one of these tables, so an illegal move is refused in one place with one message.
 */
public final class TransitionTable<S extends Enum<S>> {
    private final String subject;
    private final Map<S, Set<S>> allowed;

    private TransitionTable(String subject, Map<S, Set<S>> allowed) {
        this.subject = subject;
        this.allowed = allowed;
    }

    public static <S extends Enum<S>> Builder<S> of(String subject, Class<S> type) {
        return new Builder<>(subject, type);
    }

    public boolean allows(S from, S to) {
        return allowed.getOrDefault(from, Set.of()).contains(to);
    }

    public Set<S> next(S from) {
        return allowed.getOrDefault(from, Set.of());
    }

    /** @throws BatonException.Conflict naming the subject, its id and both statuses */
    public void require(String id, S from, S to) {
        if (!allows(from, to)) {
            throw new BatonException.Conflict(subject + ".illegal-transition",
                    "%s %s cannot go from %s to %s (allowed from %s: %s)".formatted(
                            subject, id, from, to, from, next(from).isEmpty() ? "none, it is final" : next(from)));
        }
    }

    public static final class Builder<S extends Enum<S>> {
        private final String subject;
        private final Class<S> type;
        private final Map<S, Set<S>> allowed;

        private Builder(String subject, Class<S> type) {
            this.subject = subject;
            this.type = type;
            this.allowed = new EnumMap<>(type);
        }

        @SafeVarargs
        public final Builder<S> from(S from, S... to) {
            Set<S> set = allowed.computeIfAbsent(from, k -> EnumSet.noneOf(type));
            for (S s : to) set.add(s);
            return this;
        }

        public TransitionTable<S> build() {
            Map<S, Set<S>> frozen = new EnumMap<>(type);
            allowed.forEach((k, v) -> frozen.put(k, Set.copyOf(v)));
            return new TransitionTable<>(subject, frozen);
        }
    }
}
