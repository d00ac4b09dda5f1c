package dev.baton.spec.watch;

import dev.baton.spec.AtomicFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Watchman on the spec folder: {@code watch-project}, then one subscription whose updates arrive as unilateral
 * PDUs on a dedicated thread.
 *
 * <p>Latency: watchman holds every update until the root has been quiet for its {@code settle} time, 20 ms by
 * default, which alone would miss the 3 ms target. The settle is per root and read from the root's
 * {@code .watchmanconfig} when the root is first watched, so the source writes {@code {"settle": 1}} there
 * (see {@link #SETTLE_MS}) and makes sure the root it ends up on really runs with it.
 */
final class WatchmanSource implements LiveSource {
    static final String MECHANISM = "watchman";
    /**
     * 1 ms, not 0: watchman 4.9 with settle 0 busy-loops (about a quarter of a core per root, measured), while 1 ms
     * costs nothing when idle and delivers in about 2 ms. Bursts are folded by the coalescer, not by watchman.
     */
    static final int SETTLE_MS = 1;
    static final String SUBSCRIPTION = "baton-specs";
    /** Watchman's own default when no config names one. */
    private static final int DEFAULT_SETTLE_MS = 20;
    private static final Duration CLI_TIMEOUT = Duration.ofSeconds(10);
    /** Generous: watching a fresh root includes watchman's first crawl of it. */
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

    private static final Logger log = LoggerFactory.getLogger(WatchmanSource.class);

    private final Path dir;
    private final WatchmanConnection connection;
    private final Events events;
    private final String root;
    /** Only a root that is the spec folder itself is Baton's to delete; an ancestor root belongs to someone else. */
    private final boolean ownsRoot;
    /** The clock of the subscribe answer: the fresh-instance PDU with this clock is the initial listing, not a loss. */
    private final String subscribedAt;
    private volatile boolean closed;

    private WatchmanSource(Path dir, WatchmanConnection connection, Events events, String root, boolean ownsRoot, String subscribedAt) {
        this.dir = dir;
        this.connection = connection;
        this.events = events;
        this.root = root;
        this.ownsRoot = ownsRoot;
        this.subscribedAt = subscribedAt;
    }

    static WatchmanSource open(String binary, Path dir, Events events) throws IOException {
        Path real = dir.toRealPath(); // watchman resolves symlinks; compare roots on the same spelling
        writeSettleConfig(real);
        WatchmanConnection connection = WatchmanConnection.connect(WatchmanConnection.sockname(binary, CLI_TIMEOUT));
        try {
            Watch watch = watch(connection, real);
            JsonNode subscribed = connection.command(COMMAND_TIMEOUT, "subscribe", watch.root(), SUBSCRIPTION, subscription(watch.relativePath()));
            WatchmanSource source = new WatchmanSource(dir, connection, events, watch.root(),
                    watch.relativePath() == null && watch.root().equals(real.toString()), subscribed.path("clock").asString(""));
            log.info("spec watcher: watchman {} watches {} (root {}, settle {} ms)",
                    subscribed.path("version").asString("?"), dir, watch.root(), watch.settleMs());
            Thread.ofPlatform().daemon().name("spec-watchman").start(source::run);
            return source;
        } catch (IOException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    private record Watch(String root, String relativePath, int settleMs) {
    }

    /**
     * Normally the spec folder becomes its own root: its {@code .watchmanconfig} is the nearest root marker.
     * Two cases need more: an ancestor that is already watched (watch-project then reuses it, with that root's
     * settle), and a root of the spec folder left from before the config existed (watchman reads the config only
     * when a root is created).
     */
    private static Watch watch(WatchmanConnection connection, Path real) throws IOException {
        Watch watch = watchProject(connection, real);
        if (watch.settleMs() <= SETTLE_MS) return watch;
        if (watch.relativePath() != null) {
            log.info("spec watcher: watchman root {} settles after {} ms; watching {} as a root of its own",
                    watch.root(), watch.settleMs(), real);
            JsonNode answer = connection.command(COMMAND_TIMEOUT, "watch", real.toString());
            watch = new Watch(answer.path("watch").asString(real.toString()), null, settle(connection, answer.path("watch").asString("")));
        }
        if (watch.settleMs() > SETTLE_MS && watch.root().equals(real.toString())) {
            connection.command(COMMAND_TIMEOUT, "watch-del", watch.root()); // re-create the root so it reads the config
            watch = watchProject(connection, real);
        }
        if (watch.settleMs() > SETTLE_MS) {
            log.warn("spec watcher: watchman root {} settles after {} ms; first reports will wait that long", watch.root(), watch.settleMs());
        }
        return watch;
    }

    private static Watch watchProject(WatchmanConnection connection, Path real) throws IOException {
        JsonNode answer = connection.command(COMMAND_TIMEOUT, "watch-project", real.toString());
        String root = answer.path("watch").asString("");
        if (root.isEmpty()) throw new IOException("watchman watch-project named no root: " + answer);
        String relative = answer.path("relative_path").asString("");
        return new Watch(root, relative.isEmpty() ? null : relative, settle(connection, root));
    }

    private static int settle(WatchmanConnection connection, String root) throws IOException {
        JsonNode config = connection.command(COMMAND_TIMEOUT, "get-config", root).path("config");
        return config.path("settle").asInt(DEFAULT_SETTLE_MS);
    }

    private static ObjectNode subscription(String relativePath) {
        ObjectNode sub = WatchmanConnection.JSON.createObjectNode();
        ArrayNode expression = sub.putArray("expression");
        expression.add("allof");
        expression.addArray().add("type").add("f");
        ArrayNode suffixes = expression.addArray().add("anyof");
        for (String suffix : new String[] {"yaml", "yml", "json"}) suffixes.addArray().add("suffix").add(suffix);
        ArrayNode fields = sub.putArray("fields");
        for (String field : new String[] {"name", "exists", "new", "size", "mtime_ms"}) fields.add(field);
        if (relativePath != null) sub.put("relative_root", relativePath);
        sub.put("defer_vcs", false);
        return sub;
    }

    /** Writes {@code {"settle": 1}} into the folder's {@code .watchmanconfig}, keeping any other keys in it. */
    private static void writeSettleConfig(Path real) {
        Path config = real.resolve(".watchmanconfig");
        try {
            ObjectNode content = WatchmanConnection.JSON.createObjectNode();
            if (Files.exists(config)) {
                JsonNode existing = WatchmanConnection.JSON.readTree(Files.readString(config));
                if (!existing.isObject()) throw new IOException("not a JSON object");
                if (existing.path("settle").asInt(-1) == SETTLE_MS) return;
                content = (ObjectNode) existing;
            }
            content.put("settle", SETTLE_MS);
            AtomicFiles.write(config, WatchmanConnection.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(content) + "\n");
        } catch (IOException | RuntimeException e) { // RuntimeException covers JacksonException (bad JSON) and BatonException (write failed)
            log.warn("spec watcher: cannot set watchman's settle in {} ({}); reports may wait {} ms", config, e.toString(), DEFAULT_SETTLE_MS);
        }
    }

    @Override
    public String mechanism() {
        return MECHANISM;
    }

    private void run() {
        try {
            while (true) {
                handle(connection.next());
            }
        } catch (IOException | RuntimeException e) {
            if (!closed) events.failed(e);
        }
    }

    private void handle(JsonNode pdu) throws IOException {
        if (!SUBSCRIPTION.equals(pdu.path("subscription").asString(""))) return; // e.g. log PDUs
        if (pdu.path("canceled").asBoolean(false)) {
            throw new IOException("watchman cancelled the subscription on " + root + " (root deleted or watch-del)");
        }
        if (pdu.has("warning")) log.warn("spec watcher: watchman warns: {}", pdu.path("warning").asString(""));
        if (pdu.path("is_fresh_instance").asBoolean(false)) {
            // The first answer lists every file (the poller's baseline covers it); a later one means watchman
            // recrawled or restarted and may have missed changes: that is an overflow.
            if (!subscribedAt.equals(pdu.path("clock").asString(""))) events.overflow();
            return;
        }
        for (JsonNode file : pdu.path("files")) {
            String name = file.path("name").asString("");
            if (SpecFileNames.counts(name)) events.changed(dir.resolve(name), file.path("exists").asBoolean(true));
        }
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        connection.close(); // watchman drops the subscription with the connection
        if (!ownsRoot) return;
        // The spec folder's own root: delete it so that no daemon keeps watching (and re-watching after a
        // restart, from its state file) a folder nobody listens to.
        try (WatchmanConnection cleanup = WatchmanConnection.connect(connection.sockname())) {
            cleanup.command(Duration.ofSeconds(5), "watch-del", root);
        } catch (IOException e) {
            log.debug("spec watcher: watchman watch-del {} failed: {}", root, e.toString());
        }
    }
}
