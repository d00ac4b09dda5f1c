package dev.baton.server;

import dev.baton.api.rest.BatonServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.io.support.SpringFactoriesLoader;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A bad setting stops start-up, and the failure analysis names the environment variable and its value
 * (not only the Spring property). The variables are given the way an operator sets them: as
 * {@code AGENT_MAX_CONCURRENT=0}, resolved through application.yml's placeholders.
 */
@ExtendWith(OutputCaptureExtension.class)
class StartupValidationTest {

    @TempDir
    Path data;

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "PORT                   | abc    | server.port",
            "AGENT_MAX_CONCURRENT   | 0      | agent.max-concurrent",
            "DATABASE_POOL_MAX      | -1     | database.pool-max",
            "WORKFLOW_MAX_CONCURRENT| 5000   | workflow.max-concurrent",
            "GIT_COMMAND_TIMEOUT_MS | soon   | git.command-timeout-ms",
            "EVENT_BUS_TYPE         | kafka  | event-bus.type",
            "CLEANUP_SCHEDULE_CRON  | hourly | cleanup.schedule-cron",
            "SPEC_POLL_INTERVAL_MS  | 5      | coordination.spec-poll-interval-ms",
            "WORKSPACE_PUSH_MAX_BYTES | 10   | dispatch.workspace-push-max-bytes"})
    void aBadValueStopsStartUpNamingTheVariable(String variable, String value, String property, CapturedOutput output) {
        Throwable failure = start(Map.of(variable, value));

        assertThat(failure).as("start-up with %s=%s", variable, value).isNotNull();
        FailureAnalysis analysis = analyse(failure);
        assertThat(analysis).as("failure analysis of %s", failure).isNotNull();
        assertThat(analysis.getDescription()).contains("environment variable " + variable + "=" + value).contains(property);
        assertThat(analysis.getAction()).contains(variable);
        // What the operator sees: Spring Boot's reporter logs the analysis when start-up fails.
        assertThat(output.getAll()).contains(variable + "=" + value);
    }

    @Test
    void aRedisBusWithoutRedisUrlStopsStartUpNamingIt(CapturedOutput output) {
        Throwable failure = start(Map.of("EVENT_BUS_TYPE", "redis"));

        FailureAnalysis analysis = analyse(failure);
        assertThat(analysis).as("failure analysis of %s", failure).isNotNull();
        assertThat(analysis.getDescription()).contains("environment variable REDIS_URL=", "must be set when EVENT_BUS_TYPE=redis", "event-bus.redis-url");
        assertThat(analysis.getAction()).contains("REDIS_URL");
        assertThat(output.getAll()).contains("REDIS_URL");
    }

    @Test
    void aRedisUrlThatIsNoRedisUrlStopsStartUpNamingIt() {
        Throwable failure = start(Map.of("EVENT_BUS_TYPE", "redis", "REDIS_URL", "http://user:hunter2@127.0.0.1:6379"));

        FailureAnalysis analysis = analyse(failure);
        assertThat(analysis).as("failure analysis of %s", failure).isNotNull();
        assertThat(analysis.getDescription()).contains("environment variable REDIS_URL=http://***@127.0.0.1:6379 is invalid", "is not a Redis URL")
                .doesNotContain("hunter2");
    }

    @Test
    void anUnreachableRedisStopsStartUpNamingRedisUrlWithoutItsPassword() {
        Throwable failure = start(Map.of("EVENT_BUS_TYPE", "redis", "REDIS_URL", "redis://:hunter2@127.0.0.1:1"));

        assertThat(failure).isNotNull();
        Throwable root = failure;
        while (root.getCause() != null && !(root instanceof IllegalStateException && root.getMessage().contains("REDIS_URL"))) root = root.getCause();
        assertThat(root.getMessage()).contains("cannot reach Redis at REDIS_URL=redis://***@127.0.0.1:1").doesNotContain("hunter2");
    }

    @Test
    void theDefaultsStartTheServer() {
        try (ConfigurableApplicationContext ctx = builder(Map.of()).run()) {
            assertThat(ctx.getBean(EngineProperties.Cleanup.class).scheduleCron()).isEqualTo("0 * * * *");
            assertThat(ctx.getBean(EngineProperties.EventBus.class).type()).isEqualTo("in-memory");
            assertThat(ctx.getBean(EngineProperties.Mcp.class).maxServers()).isEqualTo(50);
            assertThat(ctx.getBean(EngineProperties.Monitoring.class).otelEnabled()).isFalse();
        }
    }

    @Test
    void aBadMcpServersFileOrTooManyServersStopStartUpNamingFileLineFieldAndTheSetting() throws Exception {
        java.nio.file.Path file = java.nio.file.Files.writeString(data.resolve("mcp.yaml"), """
                servers:
                  github: {command: [npx, server-github], global: true}
                  docs: {url: "ftp://docs/mcp"}
                """);
        Throwable bad = start(Map.of("BATON_MCP_SERVERS", file.toString()));
        assertThat(bad).isNotNull();
        assertThat(org.assertj.core.util.Throwables.getRootCause(bad)).hasMessageContaining(file + ":3:")
                .hasMessageContaining("servers.docs.url").hasMessageContaining("not an http(s) URL");

        java.nio.file.Files.writeString(file, "servers:\n  a: {command: [x]}\n  b: {command: [y]}\n");
        Throwable tooMany = start(Map.of("BATON_MCP_SERVERS", file.toString(), "MCP_MAX_SERVERS", "1"));
        assertThat(tooMany).isNotNull();
        assertThat(org.assertj.core.util.Throwables.getRootCause(tooMany)).hasMessageContaining(file.toString()).hasMessageContaining("MCP_MAX_SERVERS=1");
    }

    @Test
    void everyVariableHasAProperty() {
        ConfigVariables vars = ConfigVariables.fromClasspath();
        assertThat(vars.forProperty("agent.max-concurrent").name()).isEqualTo("AGENT_MAX_CONCURRENT");
        assertThat(vars.forProperty("server.port").defaultValue()).isEqualTo("3000");
        assertThat(vars.defaults()).containsKeys("EVENT_BUS_TYPE", "REDIS_URL", "EVENT_RETRY_MAX_ATTEMPTS", "EVENT_RETRY_DELAY_MS",
                "MCP_VALIDATION_TIMEOUT_MS", "MCP_MAX_SERVERS", "BATON_MCP_SERVERS", "OTEL_ENABLED", "OTEL_EXPORTER_OTLP_ENDPOINT", "HEALTH_CHECK_INTERVAL_MS",
                "CLEANUP_SCHEDULE_CRON", "DISK_WARNING_THRESHOLD_GB", "DISK_CRITICAL_THRESHOLD_GB");
    }

    private Throwable start(Map<String, Object> variables) {
        return catchThrowable(() -> builder(variables).run().close());
    }

    private SpringApplicationBuilder builder(Map<String, Object> variables) {
        Map<String, Object> props = new HashMap<>();
        props.put("BATON_DATA_DIR", data.toString());
        props.put("BATON_HOME", BatonServer.PROJECT_ROOT.toString());
        props.put("PORT", "0");
        props.putAll(variables);
        // Default properties are the lowest source, like unset variables would be; the placeholders
        // ${VAR:default} of application.yml resolve against them as against the process environment.
        return new SpringApplicationBuilder(BatonApplication.class).web(WebApplicationType.SERVLET).properties(props);
    }

    /** What Spring Boot's FailureAnalyzers does: the first analyzer (in order) that has an analysis wins. */
    private static FailureAnalysis analyse(Throwable failure) {
        List<FailureAnalyzer> analyzers = SpringFactoriesLoader.forDefaultResourceLocation(StartupValidationTest.class.getClassLoader())
                .load(FailureAnalyzer.class, SpringFactoriesLoader.ArgumentResolver.none()
                        .and(org.springframework.core.env.Environment.class, new org.springframework.core.env.StandardEnvironment()),
                        (type, name, e) -> { });
        assertThat(analyzers).anyMatch(a -> a instanceof EnvironmentVariableFailureAnalyzer);
        for (FailureAnalyzer a : analyzers) {
            FailureAnalysis analysis = a.analyze(failure);
            if (analysis != null) return analysis;
        }
        return null;
    }
}
