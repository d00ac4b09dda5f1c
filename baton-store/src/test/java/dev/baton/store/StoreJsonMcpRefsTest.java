package dev.baton.store;

import dev.baton.mcp.McpServerRef;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The works.mcp_servers column: references with overrides round-trip, rows of plain names (older Baton) still read. */
class StoreJsonMcpRefsTest {

    @Test
    void oldRowsHoldingPlainNamesStillRead() {
        assertThat(StoreJson.mcpRefs("[\"github\",\"jira\"]")).containsExactly(McpServerRef.of("github"), McpServerRef.of("jira"));
        assertThat(StoreJson.mcpRefs("[]")).isEmpty();
    }

    @Test
    void referencesWithOverridesRoundTripAndPlainOnesStayNames() {
        List<McpServerRef> refs = List.of(McpServerRef.of("github"), new McpServerRef("docs", Map.of("Authorization", "Bearer ${T}")));
        String json = StoreJson.mcpRefs(refs);

        assertThat(json).isEqualTo("[\"github\",{\"name\":\"docs\",\"envOverrides\":{\"Authorization\":\"Bearer ${T}\"}}]");
        assertThat(StoreJson.mcpRefs(json)).isEqualTo(refs);
    }
}
