package dev.baton.ops.health;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/** {@code GET /health} (liveness: the process answers) and {@code GET /ready} (every dependency UP), seed 001 §4. */
@RestController
public class HealthController {
    private final ReadinessChecks checks;
    private final Clock clock;
    private final String version;
    private final Instant started;
    private final AtomicBoolean shuttingDown;

    public HealthController(ReadinessChecks checks, Clock clock, @org.springframework.beans.factory.annotation.Value("${baton.version}") String version,
                            ShutdownState shutdown) {
        this.checks = checks;
        this.clock = clock;
        this.version = version;
        this.started = clock.instant();
        this.shuttingDown = shutdown.flag();
    }

    /** Set when a graceful shutdown begins: /ready answers 503 from then on. */
    public record ShutdownState(AtomicBoolean flag) {
    }

    @GetMapping("/health")
    public Map<String, Object> health() {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("status", "UP");
        r.put("timestamp", clock.instant().toString());
        r.put("uptime", Duration.between(started, clock.instant()).toSeconds());
        r.put("version", version);
        return r;
    }

    @GetMapping("/ready")
    public ResponseEntity<Map<String, Object>> ready() {
        Map<String, Map<String, Object>> results = checks.run();
        boolean up = !shuttingDown.get() && results.values().stream().allMatch(c -> "UP".equals(c.get("status")));
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("status", up ? "UP" : "DOWN");
        r.put("timestamp", clock.instant().toString());
        if (shuttingDown.get()) r.put("detail", "shutting down");
        r.put("checks", results);
        return ResponseEntity.status(up ? 200 : 503).body(r);
    }
}
