package dev.baton.store;

import dev.baton.workflow.RepositoryRef;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.cfg.DateTimeFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Path;
import java.util.List;

/** The JSON text columns (repositories, MCP server names) and the mapper the event log defaults to. */
final class StoreJson {
    /** Instants as ISO-8601 strings; unknown properties ignored so old rows survive new code. */
    static final JsonMapper MAPPER = JsonMapper.builder()
            .disable(DateTimeFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    /** Stored shape of a RepositoryRef: the path as written, not as a file: URI (Jackson's default for Path). */
    record StoredRepository(String name, String path) {
    }

    private static final ObjectReader STRINGS = MAPPER.readerForListOf(String.class);
    private static final ObjectReader REPOSITORIES = MAPPER.readerForListOf(StoredRepository.class);
    private static final ObjectWriter WRITER = MAPPER.writer();

    private StoreJson() {
    }

    static String strings(List<String> values) {
        return WRITER.writeValueAsString(values == null ? List.of() : values);
    }

    static List<String> strings(String json) {
        return json == null ? List.of() : STRINGS.readValue(json);
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
