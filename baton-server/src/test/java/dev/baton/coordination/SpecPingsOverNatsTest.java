package dev.baton.coordination;

import dev.baton.api.rest.BatonServer;
import dev.baton.ping.Ping;
import dev.baton.ping.PingCodec;
import dev.baton.ping.nats.NatsServerProcess;
import dev.baton.server.BatonApplication;
import dev.baton.spec.store.VersionedSpecFiles;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Nats;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The server on a real NATS server: spec pings on the wire with the exact seed-000 payload plus version and
 * sha256, /ready following the connection, and a change made while NATS is down announced after it is back.
 */
@SpringBootTest(classes = BatonApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class SpecPingsOverNatsTest {
    @TempDir
    static Path dataDir;

    static NatsServerProcess nats;

    @LocalServerPort
    int port;

    @Autowired
    VersionedSpecFiles store;

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        BatonServer.register(registry, () -> dataDir);
        registry.add("coordination.nats-url", () -> nats.url());
    }

    @BeforeAll
    static void start() throws Exception {
        nats = NatsServerProcess.onFreePort().start();
        BatonServer.gitRepository(dataDir, "app");
    }

    @AfterAll
    static void stop() {
        nats.close();
    }

    @Test
    @SuppressWarnings("try") // jnats Connection.close may throw InterruptedException; the test method declares Exception
    void specChangesArriveOnTheWireAndSurviveAnOutage() throws Exception {
        BatonServer api = new BatonServer(port);
        List<String> wire = new CopyOnWriteArrayList<>();
        try (Connection raw = Nats.connect(nats.url())) {
            Dispatcher d = raw.createDispatcher(m -> wire.add(m.getSubject() + " " + new String(m.getData(), StandardCharsets.UTF_8)));
            d.subscribe("spec.changed");
            raw.flush(Duration.ofSeconds(5));

            assertThat(api.postYaml(BatonServer.oneTask("wf-nats", "echo hi")).status()).isEqualTo(201);
            Path file = dataDir.resolve("specs/active/wf-nats.yaml");
            await().atMost(Duration.ofSeconds(10)).until(() -> wire.stream().anyMatch(m -> m.contains("\"wf-nats\"")));
            String message = wire.stream().filter(m -> m.contains("\"wf-nats\"")).findFirst().orElseThrow();
            var snapshot = store.read(file);
            assertThat(message).isEqualTo("spec.changed {\"type\":\"spec.changed\",\"specId\":\"wf-nats\",\"path\":\"" + file
                    + "\",\"version\":" + snapshot.version() + ",\"sha256\":\"" + snapshot.sha256() + "\",\"timestamp\":\""
                    + PingCodec.decode(message.substring("spec.changed ".length()).getBytes(StandardCharsets.UTF_8)).timestamp() + "\"}");
            assertThat(message.length()).isLessThan(PingCodec.MAX_PAYLOAD_BYTES);
        }

        JsonNode ready = api.get("/ready").json();
        assertThat(ready.at("/checks/pingBus/type").asString()).isEqualTo("nats");
        assertThat(ready.at("/checks/pingBus/state").asString()).isEqualTo("connected");
        assertThat(ready.at("/checks/pingBus/url").asString()).isEqualTo(nats.url());

        nats.stop();
        await().atMost(Duration.ofSeconds(10)).until(() -> api.get("/ready").json().at("/checks/pingBus/state").asString().equals("reconnecting"));
        // An outside agent edits the spec while NATS is down.
        Path file = dataDir.resolve("specs/active/wf-nats.yaml");
        Files.writeString(file, Files.readString(file).replace("name: Test workflow wf-nats", "name: Test workflow wf-nats\nnote: edited during the outage"));
        // Under the whole suite (several servers alive in this JVM) noticing the edit once took longer than 10 s.
        await().atMost(Duration.ofSeconds(30)).until(() -> store.read(file).content().contains("edited during the outage") && store.read(file).version() > 1);
        long version = store.read(file).version();

        List<Ping> after = new CopyOnWriteArrayList<>();
        nats.restart();
        try (Connection raw = Nats.connect(nats.url())) {
            raw.createDispatcher(m -> after.add(PingCodec.decode(m.getData()))).subscribe("spec.changed");
            raw.flush(Duration.ofSeconds(5));
            await().atMost(Duration.ofSeconds(20)).until(() -> api.get("/ready").json().at("/checks/pingBus/state").asString().equals("connected"));
            // A receiver that was not there during the outage learns the state from the file itself;
            // the next change is announced as usual.
            Files.writeString(file, Files.readString(file).replace("edited during the outage", "edited after the outage"));
            await().atMost(Duration.ofSeconds(10)).until(() -> after.stream().anyMatch(p -> "wf-nats".equals(p.specId()) && p.version() > version));
        }
    }
}
