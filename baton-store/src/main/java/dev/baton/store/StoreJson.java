package dev.baton.store;

import dev.baton.mcp.McpServerRef;
import dev.baton.workflow.RepositoryRef;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.cfg.DateTimeFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Path;
import java.util.List;

/** The JSON text columns (repositories, MCP server references) and the mapper the event log defaults to. */
final class StoreJson {
    /** Instants as ISO-8601 strings; unknown properties ignored so old rows survive new code. */
    static final JsonMapper MAPPER = JsonMapper.builder()
            .disable(DateTimeFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    /** Stored shape of a RepositoryRef: the path as written, not as a file: URI (Jackson's default for Path). */
    record StoredRepository(String name, String path) {
    }

    private static final ObjectReader REPOSITORIES = MAPPER.readerForListOf(StoredRepository.class);
    private static final ObjectWriter WRITER = MAPPER.writer();

    private StoreJson() {
    }

    /**
     * Stored like the spec file writes them: a name, or {@code {"name": …, "envOverrides": {…}}} when the work
     * overrides values. Rows written before MCP references had overrides hold only names, and still read.
     */
    static String mcpRefs(List<McpServerRef> refs) {
        ArrayNode out = MAPPER.createArrayNode();
        for (McpServerRef r : refs == null ? List.<McpServerRef>of() : refs) {
            if (r.envOverrides().isEmpty()) {
                out.add(r.name());
            } else {
                ObjectNode o = out.addObject().put("name", r.name());
                ObjectNode env = o.putObject("envOverrides");
                r.envOverrides().forEach(env::put);
            }
        }
        return WRITER.writeValueAsString(out);
    }

    static List<McpServerRef> mcpRefs(String json) {
        if (json == null || json.isBlank()) return List.of();
        List<McpServerRef> out = new java.util.ArrayList<>();
        for (JsonNode n : MAPPER.readTree(json)) {
            if (n.isString()) {
                out.add(McpServerRef.of(n.asString()));
            } else {
                java.util.Map<String, String> env = new java.util.LinkedHashMap<>();
                JsonNode o = n.get("envOverrides");
                if (o != null) o.properties().forEach(e -> env.put(e.getKey(), e.getValue().asString()));
                out.add(new McpServerRef(n.get("name").asString(), env));
            }
        }
        return out;
    }

    static String repositories(List<RepositoryRef> refs) {
        return WRITER.writeValueAsString(refs.stream().map(r -> new StoredRepository(r.name(), r.path() == null ? null : r.path().toString())).toList());
    }

    static List<RepositoryRef> repositories(String json) {
        if (json == null) return List.of();
        List<StoredRepository> stored = REPOSITORIES.readValue(json);
        return stored.stream().map(s -> new RepositoryRef(s.name(), s.path() == null ? null : Path.of(s.path()))).toList();
    }
}
