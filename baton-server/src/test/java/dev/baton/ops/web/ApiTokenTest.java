package dev.baton.ops.web;

import dev.baton.server.BatonApplication;
import dev.baton.api.rest.BatonServer;
import dev.baton.api.rest.BatonServer.Response;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** With BATON_API_TOKEN set, every /api call needs {@code Authorization: Bearer <token>}; health and metrics stay open. */
@SpringBootTest(classes = BatonApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "baton.api-token=s3cret")
@DirtiesContext
class ApiTokenTest {
    private static final String WORKFLOWS = "/api/v1/workflows";

    @TempDir
    static Path dataDir;

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        BatonServer.register(registry, () -> dataDir);
    }

    @BeforeAll
    static void repositories() throws Exception {
        BatonServer.gitRepository(dataDir, "app");
    }

    private BatonServer anonymous() {
        return new BatonServer(port);
    }

    private BatonServer withToken(String token) {
        return new BatonServer(port, token);
    }

    @Test
    void apiWithoutTokenIs401ProblemWithBearerChallenge() {
        Response r = anonymous().get(WORKFLOWS);

        JsonNode p = assertUnauthorized(r);
        assertThat(p.get("detail").asString()).contains("missing");
    }

    @Test
    void apiWithWrongTokenIs401() {
        assertThat(assertUnauthorized(withToken("wrong").get(WORKFLOWS)).get("detail").asString()).contains("invalid");
        assertUnauthorized(withToken("s3cre").get(WORKFLOWS));
        assertUnauthorized(withToken("s3cret2").get(WORKFLOWS));
        assertUnauthorized(withToken("S3CRET").get(WORKFLOWS));
        assertUnauthorized(anonymous().get(WORKFLOWS, "Authorization", "Basic czNjcmV0"));
        assertUnauthorized(anonymous().get(WORKFLOWS, "Authorization", "s3cret"));
        assertUnauthorized(anonymous().get(WORKFLOWS, "Authorization", "Bearer "));
    }

    @Test
    void apiWithTheRightTokenWorks() {
        BatonServer api = withToken("s3cret");
        Response list = api.get(WORKFLOWS);
        assertThat(list.status()).as(list.toString()).isEqualTo(200);
        assertThat(list.json().get("items").isArray()).isTrue();

        Response created = api.postYaml(BatonServer.oneTask("wf-token", "echo hi"));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(api.get(WORKFLOWS + "/wf-token").status()).isEqualTo(200);
        assertThat(api.delete(WORKFLOWS + "/wf-token").status()).isEqualTo(204);
    }

    @Test
    void writesWithoutTokenAreRefusedAndStoreNothing() {
        assertUnauthorized(anonymous().postYaml(BatonServer.oneTask("wf-sneaky", "echo hi")));
        assertUnauthorized(anonymous().delete(WORKFLOWS + "/wf-sneaky"));
        assertThat(withToken("s3cret").get(WORKFLOWS + "/wf-sneaky").status()).isEqualTo(404);
    }

    @Test
    void unknownApiPathsAreAlsoBehindTheToken() {
        assertUnauthorized(anonymous().get("/api/v1/nope"));
        assertUnauthorized(anonymous().get(WORKFLOWS + "/wf-x/events"));
    }

    /**
     * The filter must decide on the path the application routes, not on the raw request URI: an encoded
     * letter, a path parameter or a doubled slash reach the same controller and must not skip the token.
     */
    @Test
    void pathVariantsThatReachTheApiCannotSkipTheToken() {
        List<String> bypassed = new ArrayList<>();
        for (String path : List.of("/%61pi/v1/workflows", "/api;x=1/v1/workflows", "/api/v1;x=1/workflows", "//api/v1/workflows",
                "/./api/v1/workflows", "/x/../api/v1/workflows", "/api/v1/%77orkflows")) {
            Response r = anonymous().get(path);
            // 401, or 404 when the variant reaches no controller at all; never an answer from the API.
            if (r.status() != 401 && r.status() != 404) bypassed.add("GET " + path + " -> " + r.status());
        }
        for (String path : List.of("/%61pi/v1/workflows", "/api;x=1/v1/workflows")) {
            Response r = anonymous().postYaml(path, BatonServer.oneTask("wf-bypass", "echo hi"));
            if (r.status() != 401 && r.status() != 404) bypassed.add("POST " + path + " -> " + r.status());
        }
        assertThat(bypassed).as("requests that reached the API without the token").isEmpty();
        assertThat(withToken("s3cret").get(WORKFLOWS + "/wf-bypass").status()).isEqualTo(404);
    }

    @Test
    void healthReadyAndMetricsStayOpen() {
        assertThat(anonymous().get("/health").status()).isEqualTo(200);
        Response ready = anonymous().get("/ready");
        assertThat(ready.status()).as(ready.toString()).isEqualTo(200);
        assertThat(anonymous().get("/metrics").status()).isEqualTo(200);
    }

    private static JsonNode assertUnauthorized(Response r) {
        assertThat(r.status()).as(r.toString()).isEqualTo(401);
        assertThat(r.header("WWW-Authenticate")).isEqualTo("Bearer");
        assertThat(r.contentType()).startsWith("application/problem+json");
        JsonNode p = r.json();
        assertThat(p.get("type").asString()).endsWith("auth.unauthenticated");
        assertThat(p.get("title").asString()).isEqualTo("Unauthorized");
        assertThat(p.get("status").asInt()).isEqualTo(401);
        assertThat(p.get("code").asString()).isEqualTo("auth.unauthenticated");
        assertThat(p.get("detail").asString()).isNotBlank();
        assertThat(p.get("problems").isArray()).isTrue();
        return p;
    }
}
