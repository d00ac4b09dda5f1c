package dev.baton.coordination;

import dev.baton.ping.Ping;
import dev.baton.ping.PingBus;
import dev.baton.spec.store.SpecSnapshot;

import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sends the spec pings of seed 000 §1.2: {@code spec.changed} for each new content of a spec file and
 * {@code spec.completed} when a file is removed or its workflow finished. The same content is announced once,
 * however many ways its change was noticed (Baton's own write, the watcher, the poller).
 */
public final class SpecPings {
    private final PingBus bus;
    private final Clock clock;
    private final ConcurrentHashMap<String, String> announced = new ConcurrentHashMap<>();

    public SpecPings(PingBus bus, Clock clock) {
        this.bus = bus;
        this.clock = clock;
    }

    public void changed(SpecSnapshot s) {
        String before = announced.put(s.specId(), s.sha256());
        if (s.sha256().equals(before)) return;
        bus.publish(Ping.specChanged(s.specId(), s.file().toString(), s.version(), s.sha256(), clock.instant()));
    }

    public void removed(String specId, Path file) {
        if (announced.remove(specId) == null) return;
        bus.publish(Ping.specCompleted(specId, file.toString(), null, null, clock.instant()));
    }

    public void finished(String specId, Path file) {
        bus.publish(Ping.specCompleted(specId, file.toString(), null, null, clock.instant()));
    }
}
