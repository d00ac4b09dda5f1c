package dev.baton.server;

import dev.baton.agent.profile.McpServersLoader;
import dev.baton.mcp.McpConfigMerge;
import dev.baton.mcp.McpRegistry;
import dev.baton.mcp.check.McpConnectionMonitor;
import dev.baton.mcp.check.McpHandshake;
import dev.baton.ops.health.ReadinessChecks;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * MCP servers: the global ones of BATON_MCP_SERVERS (a bad file, or more than MCP_MAX_SERVERS, stops start-up),
 * the merge the engine runs at each agent start, and the connection check behind /ready's {@code mcpServers}
 * and the {@code mcp.*} metrics.
 */
@Configuration(proxyBeanMethods = false)
public class McpConfiguration {
    private static final Logger log = LoggerFactory.getLogger(McpConfiguration.class);
    /** The seed's timeout of the mcpServers check (§4.4). */
    static final Duration READY_TIMEOUT = Duration.ofSeconds(10);

    @Bean
    McpRegistry mcpRegistry(EngineProperties.Mcp mcp, BatonProperties baton) {
        if (mcp.serversFile() == null || mcp.serversFile().isBlank()) return McpRegistry.empty();
        Path file = Path.of(mcp.serversFile()).toAbsolutePath().normalize();
        McpRegistry registry = new McpServersLoader(baton.home()).load(file, mcp.maxServers());
        log.atInfo().addKeyValue("event", "McpServersLoaded").addKeyValue("servers", registry.servers().size())
                .log("{} MCP server(s) from {} ({} global)", registry.servers().size(), file, registry.globalRefs().size());
        return registry;
    }

    /** {@code ${NAME}} in MCP values are resolved from the server's own environment. */
    @Bean
    McpConfigMerge mcpConfigMerge(McpRegistry registry) {
        return new McpConfigMerge(registry, System::getenv);
    }

    @Bean(initMethod = "start", destroyMethod = "close")
    McpConnectionMonitor mcpConnectionMonitor(McpConfigMerge merge, EngineProperties.Mcp mcp, EngineProperties.Monitoring monitoring,
                                              BatonProperties baton, Clock clock, MeterRegistry meters) {
        return new McpConnectionMonitor(merge, new McpHandshake(baton.version() == null ? "unknown" : baton.version()),
                Duration.ofMillis(mcp.validationTimeoutMs()), Duration.ofMillis(monitoring.healthCheckIntervalMs()), clock, meters);
    }

    @Bean
    ReadinessChecks.Probe mcpServersReadiness(McpConnectionMonitor monitor) {
        // Waits (a little less than the check's own timeout) for the first round of a server just started.
        return new ReadinessChecks.Probe("mcpServers", READY_TIMEOUT, () -> monitor.readiness(READY_TIMEOUT.minusMillis(500)));
    }
}
