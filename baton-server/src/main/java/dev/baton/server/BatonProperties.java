package dev.baton.server;

import dev.baton.server.SettingRules.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;

import java.nio.file.Path;

/**
 * @param dataDir       BATON_DATA_DIR: root of everything the server keeps on disk
 * @param home          BATON_HOME: the installation (the launcher sets it); example agent profiles live there
 * @param agentProfiles BATON_AGENT_PROFILES: the agent profiles file; empty means {@code <dataDir>/agents.yaml}
 *                      when present, else the shipped {@code examples/agents/profiles.yaml}
 * @param apiToken      BATON_API_TOKEN: when set, every /api call needs {@code Authorization: Bearer <token>}
 * @param environment   NODE_ENV (development, staging, production)
 * @param version       APP_VERSION
 */
@ConfigurationProperties("baton")
public record BatonProperties(@NotNull Path dataDir, @NotNull Path home, String agentProfiles, String apiToken,
                              String environment, String version) {
}
