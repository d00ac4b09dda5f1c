package dev.baton.spec;

import dev.baton.shared.BatonException;
import dev.baton.shared.Problem;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLFactory;
import tools.jackson.dataformat.yaml.YAMLMapper;
import tools.jackson.dataformat.yaml.YAMLWriteFeature;
import tools.jackson.dataformat.yaml.util.StringQuotingChecker;

import java.util.List;

/** The one YAML style of spec files, shared by everything that writes them (the writer, the versioned store). */
public final class SpecYaml {
    static final YAMLMapper MAPPER = new YAMLMapper(YAMLFactory.builder()
            .disable(YAMLWriteFeature.WRITE_DOC_START_MARKER)
            .enable(YAMLWriteFeature.MINIMIZE_QUOTES)
            .enable(YAMLWriteFeature.LITERAL_BLOCK_STYLE)
            .enable(YAMLWriteFeature.INDENT_ARRAYS_WITH_INDICATOR)
            .disable(YAMLWriteFeature.SPLIT_LINES)
            .stringQuotingChecker(new QuoteNumberLike())
            .build());

    private SpecYaml() {
    }

    /**
     * The content as a tree, for edits that must keep every key a writer put there.
     *
     * @throws BatonException.Invalid naming the file, line and column when it is not YAML or not a mapping
     */
    public static ObjectNode readTree(String fileName, String content) {
        JsonNode root;
        try {
            root = MAPPER.readTree(content);
        } catch (JacksonException e) {
            var at = e.getLocation();
            int line = at == null ? 0 : at.getLineNr();
            int column = at == null ? 0 : at.getColumnNr();
            String why = e.getOriginalMessage();
            throw new BatonException.Invalid("spec.yaml-invalid", fileName + ":" + line + ": not valid YAML: " + why,
                    List.of(new Problem(fileName, line, column, null, "not valid YAML: " + why)));
        }
        if (!(root instanceof ObjectNode o)) {
            throw new BatonException.Invalid("spec.not-a-mapping", fileName + ": a spec must be a mapping of keys (id, version, tasks, …)",
                    List.of(new Problem(fileName, 1, 1, null, "a spec must be a mapping of keys")));
        }
        return o;
    }

    public static String write(JsonNode tree) {
        return MAPPER.writeValueAsString(tree);
    }

    /**
     * Jackson leaves strings such as {@code 007}, {@code 1e3} or {@code .inf} unquoted, which YAML readers then
     * take for numbers; quoting every string that starts like a number keeps ids and queries strings.
     */
    private static final class QuoteNumberLike extends StringQuotingChecker.Default {
        @Override
        public boolean needToQuoteValue(String value) {
            return super.needToQuoteValue(value) || (!value.isEmpty() && "0123456789+-.".indexOf(value.charAt(0)) >= 0);
        }
    }
}
