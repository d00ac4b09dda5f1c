package dev.baton.api.rest;

import dev.baton.ops.logging.SecretsCorpus;
import dev.baton.server.BatonApplication;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Seed 001 §1.4 end to end: a real server on DEBUG (the level that logs the most: agent env, query text,
 * agent output) runs a workflow whose agent profile env, task query, agent output and failure carry the
 * secrets of {@code secrets-corpus.txt}, and is sent a spec naming a repository by a URL with a token.
 * The captured console output (JSON lines of BatonLogFormatter) must give none of them away.
 */
@SpringBootTest(classes = BatonApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        // Inline properties, not @DynamicPropertySource: the logging system reads them when it starts.
        properties = {"logging.level.dev.baton=debug", "logging.masking.patterns=" + SecretsCorpus.EXTRA_PATTERN})
@DirtiesContext
@ExtendWith(OutputCaptureExtension.class)
class LogMaskingServerTest {
    private static final String OPENAI_KEY = SecretsCorpus.ALL.get(0).secret();
    private static final String DB_PASSWORD = "Hunter2Hunter2!";
    private static final String GIT_TOKEN_URL = SecretsCorpus.ALL.get(11).inText();

    @TempDir
    static Path dataDir;

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        BatonServer.register(registry, () -> dataDir);
    }

    @BeforeAll
    static void repositoryAndAgentWithSecretsInItsEnv() throws Exception {
        BatonServer.gitRepository(dataDir, "app");
        Files.writeString(dataDir.resolve("agents.yaml"), """
                profiles:
                  leaky:
                    mode: oneshot
                    command: ["examples/agents/scripted-agent.sh", "{query}"]
                    env: {OPENAI_API_KEY: "%s", DB_PASSWORD: "%s"}
                """.formatted(OPENAI_KEY, DB_PASSWORD));
    }

    @Test
    void noSecretReachesTheLog(CapturedOutput output) {
        BatonServer api = new BatonServer(port);
        // Every corpus line echoed by the agent (agent output, DEBUG) and part of the query (QueryText, DEBUG);
        // the agent prints its env and fails with a token URL (TaskFailed, WorkflowFailed: INFO and ERROR).
        String query = SecretsCorpus.ALL.stream().map(s -> "echo " + s.inText()).collect(Collectors.joining("\n"))
                + "\nenv OPENAI_API_KEY\nenv DB_PASSWORD\nfail 3 " + GIT_TOKEN_URL + "\n";
        String spec = BatonServer.spec("wf-secrets", """
                works:
                  - id: wk-a
                    name: Only
                    agent: leaky
                tasks:
                  - id: t1
                    work: wk-a
                    query: |
                %s""".formatted(query.lines().map(l -> "      " + l + "\n").collect(Collectors.joining())));
        assertThat(api.postYaml(spec).status()).isEqualTo(201);
        assertThat(api.post("/api/v1/workflows/wf-secrets/start").status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> "FAILED".equals(api.status("wf-secrets")));
        // A repository given as a URL with a token is refused; whatever that logs is masked too.
        api.postYaml("""
                id: wf-remote
                name: Remote
                repositories:
                  - name: app
                    path: https://x-access-token:%s@github.com/acme/app.git
                works: []
                tasks: []
                """.formatted(SecretsCorpus.ALL.get(2).secret()));

        await().atMost(Duration.ofSeconds(10)).until(() -> output.getOut().contains("\"event\":\"WorkflowFailed\""));
        String log = output.getAll();
        // The paths under test were really taken.
        assertThat(log).contains("\"event\":\"AgentStarting\"", "\"OPENAI_API_KEY\":\"***\"", "\"DB_PASSWORD\":\"***\"",
                "\"event\":\"QueryText\"", "\"event\":\"TaskFailed\"", "https://***@github.com/acme/app.git");
        SecretsCorpus.assertNoSecretIn(log);
        // The agent's own output goes through the worker's log stream into the log store: masked on the worker.
        String agentOutput = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> api.get("/api/v1/workflows/wf-secrets/logs?limit=10000").body(), body -> body.contains("DB_PASSWORD=***"));
        assertThat(agentOutput).contains("OPENAI_API_KEY=sk-p***", "DB_PASSWORD=***");
        SecretsCorpus.assertNoSecretIn(agentOutput);
    }
}
