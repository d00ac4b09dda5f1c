package dev.baton.agent.profile;

import dev.baton.mcp.McpRegistry;
import dev.baton.mcp.McpServer;
import dev.baton.mcp.McpServerRef;
import dev.baton.shared.BatonException;
import dev.baton.shared.Problem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

class McpServersLoaderTest {
    private final McpServersLoader loader = new McpServersLoader(Path.of("/opt/baton"));

    private static final String EXAMPLE = """
            servers:
              github: {command: [npx, -y, "@modelcontextprotocol/server-github"], env: {GITHUB_TOKEN: "${GITHUB_TOKEN}"}, global: true}
              docs:   {url: "http://127.0.0.1:8000/mcp", headers: {Authorization: "Bearer ${DOCS_TOKEN}"}}
              local:
                command: [tools/mcp-local.sh, --verbose]
            """;

    @Test
    void readsStdioAndHttpServersAndTheGlobalOnes() {
        McpRegistry r = loader.parse(EXAMPLE, "mcp.yaml", 50);

        assertThat(r.servers()).extracting(McpServer::name).containsExactly("github", "docs", "local");
        assertThat(r.globalRefs()).containsExactly(McpServerRef.of("github"));
        assertThat(r.require("github")).isEqualTo(new McpServer.Stdio("github", List.of("npx", "-y", "@modelcontextprotocol/server-github"),
                Map.of("GITHUB_TOKEN", "${GITHUB_TOKEN}")));
        assertThat(r.require("docs")).isEqualTo(new McpServer.Http("docs", "http://127.0.0.1:8000/mcp", Map.of("Authorization", "Bearer ${DOCS_TOKEN}")));
        assertThat(((McpServer.Stdio) r.require("local")).command()).as("a relative program path is resolved against the base")
                .containsExactly("/opt/baton/tools/mcp-local.sh", "--verbose");
    }

    @Test
    void moreServersThanMcpMaxServersAreRefusedNamingTheFileAndTheSetting() {
        BatonException.Invalid e = catchThrowableOfType(BatonException.Invalid.class, () -> loader.parse(EXAMPLE, "mcp.yaml", 2));

        assertThat(e.getMessage()).contains("mcp.yaml", "3 MCP servers", "MCP_MAX_SERVERS=2");
        assertThat(e.problems()).singleElement().extracting(Problem::line, Problem::field).containsExactly(1, "servers");
    }

    @Test
    void everyProblemIsReportedWithLineAndField() {
        String yaml = """
                servers:
                  both: {command: [x], url: "http://h/mcp"}
                  none: {env: {A: b}}
                  shell: {command: "npx -y server"}
                  badurl: {url: "ftp://h/x", headers: {"bad header": x}}
                  mixed: {command: [x], headers: {A: b}, global: maybe}
                  "-bad": {command: [x]}
                  extra: {command: [x], timeout: 3}
                  envs: {command: [x], env: {"1A": b, B: [1]}}
                """;
        BatonException.Invalid e = catchThrowableOfType(BatonException.Invalid.class, () -> loader.parse(yaml, "mcp.yaml", 50));

        assertThat(e.code()).isEqualTo("mcp.invalid-servers");
        assertThat(e.getMessage()).startsWith("invalid MCP servers in mcp.yaml (BATON_MCP_SERVERS):");
        assertThat(e.problems()).extracting(Problem::line, Problem::field).containsExactlyInAnyOrder(
                tuple(2, "servers.both"),
                tuple(3, "servers.none"),
                tuple(4, "servers.shell.command"),
                tuple(5, "servers.badurl.url"),
                tuple(5, "servers.badurl.headers.bad header"),
                tuple(6, "servers.mixed.headers"),
                tuple(6, "servers.mixed.global"),
                tuple(7, "servers.-bad"),
                tuple(8, "servers.extra.timeout"),
                tuple(9, "servers.envs.env.1A"),
                tuple(9, "servers.envs.env.B"));
    }

    @Test
    void unreadableYamlAndAMissingFileAreInvalidWithTheFileNamed(@TempDir Path tmp) throws Exception {
        BatonException.Invalid bad = catchThrowableOfType(BatonException.Invalid.class, () -> loader.parse("servers: [a\n", "mcp.yaml", 50));
        assertThat(bad.problems()).singleElement().satisfies(p -> assertThat(p.message()).startsWith("not valid YAML"));

        Path missing = tmp.resolve("none.yaml");
        assertThat(catchThrowableOfType(BatonException.Invalid.class, () -> loader.load(missing, 50)).getMessage()).contains(missing.toString());

        Path empty = Files.writeString(tmp.resolve("empty.yaml"), "servers:\n");
        assertThat(loader.load(empty, 50).isEmpty()).isTrue();
    }
}
