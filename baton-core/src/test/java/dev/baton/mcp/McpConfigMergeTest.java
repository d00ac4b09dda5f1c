package dev.baton.mcp;

import dev.baton.shared.BatonException;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class McpConfigMergeTest {
    private static final Map<String, String> ENV = Map.of("GITHUB_TOKEN", "ghp_secret1", "DOCS_TOKEN", "docs-secret", "OTHER", "other-value");

    private final McpServer github = new McpServer.Stdio("github", List.of("npx", "-y", "@modelcontextprotocol/server-github"),
            Map.of("GITHUB_TOKEN", "${GITHUB_TOKEN}", "LOG", "info"));
    private final McpServer docs = new McpServer.Http("docs", "http://127.0.0.1:8000/mcp", Map.of("Authorization", "Bearer ${DOCS_TOKEN}"));
    private final McpServer files = new McpServer.Stdio("files", List.of("mcp-files"), Map.of());
    private final McpRegistry registry = new McpRegistry(List.of(github, docs, files), Set.of("github"));
    private final McpConfigMerge merge = new McpConfigMerge(registry, ENV::get);

    @Test
    void globalRefsAndWorkRefsAreMergedWithVariablesResolved() {
        McpMerged m = merge.merge(List.of(McpServerRef.of("docs")));

        assertThat(m.globalRefs()).containsExactly("github");
        assertThat(m.workRefs()).containsExactly("docs");
        assertThat(m.servers()).extracting(McpServer::name).containsExactly("github", "docs");
        McpServer.Stdio g = (McpServer.Stdio) m.servers().get(0);
        assertThat(g.env()).containsEntry("GITHUB_TOKEN", "ghp_secret1").containsEntry("LOG", "info");
        McpServer.Http d = (McpServer.Http) m.servers().get(1);
        assertThat(d.headers()).containsEntry("Authorization", "Bearer docs-secret");
        // The templates keep what was written: the loggable form shows no resolved value.
        assertThat(((McpServer.Stdio) m.templates().get(0)).env()).containsEntry("GITHUB_TOKEN", "${GITHUB_TOKEN}");
    }

    @Test
    void aWorkRefReplacesTheGlobalRefOfTheSameNameAndItsOverridesWin() {
        McpMerged m = merge.merge(List.of(new McpServerRef("github", Map.of("LOG", "debug", "EXTRA", "${OTHER}"))));

        assertThat(m.servers()).hasSize(1);
        assertThat(m.globalRefs()).containsExactly("github");
        assertThat(m.workRefs()).containsExactly("github");
        assertThat(((McpServer.Stdio) m.servers().getFirst()).env())
                .containsOnly(Map.entry("GITHUB_TOKEN", "ghp_secret1"), Map.entry("LOG", "debug"), Map.entry("EXTRA", "other-value"));
    }

    @Test
    void envOverridesOfAnHttpServerReplaceItsHeaders() {
        McpMerged m = merge.merge(List.of(new McpServerRef("docs", Map.of("Authorization", "Bearer fixed"))));
        assertThat(((McpServer.Http) m.servers().get(1)).headers()).containsExactly(Map.entry("Authorization", "Bearer fixed"));
    }

    @Test
    void anUnknownRefNamesItselfAndTheKnownServers() {
        assertThatThrownBy(() -> merge.merge(List.of(McpServerRef.of("gitlab"))))
                .isInstanceOf(BatonException.Invalid.class)
                .hasMessage("unknown MCP server 'gitlab' (known: docs, files, github)");
        assertThatThrownBy(() -> new McpConfigMerge(McpRegistry.empty(), ENV::get).merge(List.of(McpServerRef.of("x"))))
                .isInstanceOf(BatonException.Invalid.class).hasMessageContaining("no MCP servers are configured");
    }

    @Test
    void aMissingVariableIsAnInvalidErrorNamingItAndTheServer() {
        McpConfigMerge withoutToken = new McpConfigMerge(registry, Map.of("OTHER", "x")::get);
        assertThatThrownBy(() -> withoutToken.merge(List.of(McpServerRef.of("docs"))))
                .isInstanceOf(BatonException.Invalid.class)
                .hasMessageContaining("${GITHUB_TOKEN} (server 'github')")
                .hasMessageContaining("${DOCS_TOKEN} (server 'docs')")
                .satisfies(e -> assertThat(((BatonException) e).code()).isEqualTo("mcp.variable-missing"));
    }

    @Test
    void aDoubledDollarKeepsTheReferenceLiteral() {
        McpRegistry r = new McpRegistry(List.of(new McpServer.Stdio("lit", List.of("run", "$${HOME}", "${OTHER}-x"), Map.of())), Set.of());
        McpServer.Stdio s = (McpServer.Stdio) new McpConfigMerge(r, ENV::get).merge(List.of(McpServerRef.of("lit"))).servers().getFirst();
        assertThat(s.command()).containsExactly("run", "${HOME}", "other-value-x");
    }

    @Test
    void noServersAtAllMergeToAnEmptyConfig() {
        McpMerged m = new McpConfigMerge(McpRegistry.empty(), ENV::get).merge(List.of());
        assertThat(m.servers()).isEmpty();
        assertThat(McpConfigJson.render(m.servers()).replaceAll("\\s", "")).isEqualTo("{\"mcpServers\":{}}");
    }

    @Test
    void theConfigFileIsClaudeCodesFormat() {
        JsonNode root = JsonMapper.builder().build().readTree(McpConfigJson.render(merge.merge(List.of(McpServerRef.of("docs"), McpServerRef.of("files"))).servers()));
        JsonNode g = root.get("mcpServers").get("github");
        assertThat(g.get("command").asString()).isEqualTo("npx");
        assertThat(g.get("args")).extracting(JsonNode::asString).containsExactly("-y", "@modelcontextprotocol/server-github");
        assertThat(g.get("env").get("GITHUB_TOKEN").asString()).isEqualTo("ghp_secret1");
        JsonNode d = root.get("mcpServers").get("docs");
        assertThat(d.get("type").asString()).isEqualTo("http");
        assertThat(d.get("url").asString()).isEqualTo("http://127.0.0.1:8000/mcp");
        assertThat(d.get("headers").get("Authorization").asString()).isEqualTo("Bearer docs-secret");
        assertThat(root.get("mcpServers").get("files").get("args").size()).isZero();
    }

    @Test
    void theMaskedDescriptionShowsNamesAndKeysButNoValue() {
        String shown = merge.merge(List.of(McpServerRef.of("docs"))).describeMasked().toString();
        assertThat(shown).contains("github", "GITHUB_TOKEN=***", "Authorization=***", "http://127.0.0.1:8000/mcp")
                .doesNotContain("ghp_secret1", "docs-secret", "${GITHUB_TOKEN}", "Bearer");
    }

    @Test
    void theRegistryRefusesDuplicatesAndUnknownGlobals() {
        assertThatThrownBy(() -> new McpRegistry(List.of(files, files), Set.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new McpRegistry(List.of(files), Set.of("github"))).isInstanceOf(IllegalArgumentException.class);
    }
}
