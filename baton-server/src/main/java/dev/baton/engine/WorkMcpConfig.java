package dev.baton.engine;

import dev.baton.engine.EngineTracing.Traced;
import dev.baton.mcp.McpConfigJson;
import dev.baton.mcp.McpConfigMerge;
import dev.baton.mcp.McpMerged;
import dev.baton.shared.BatonException;
import dev.baton.shared.OwnerOnlyFile;
import dev.baton.workflow.Work;
import io.opentelemetry.api.common.Attributes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A work's MCP config at agent start: global and work references merged (span {@code mcp.config.merge}),
 * logged at DEBUG with every env / header value masked, and written in Claude Code's format to
 * {@code <workspace>/.baton-mcp.json} — beside the linked worktrees, never inside one, so no checkpoint
 * commits it — readable by the owner only, since it holds the resolved secrets. Every agent gets the file,
 * {@code {"mcpServers":{}}} when nothing is configured, so a profile using {@code {mcpConfig}} always works.
 * The file is deleted when the agent stops.
 */
final class WorkMcpConfig {
    static final String FILE_NAME = ".baton-mcp.json";
    private static final Logger log = LoggerFactory.getLogger(WorkMcpConfig.class);

    private final McpConfigMerge merge;
    private final EngineTracing tracing;

    WorkMcpConfig(McpConfigMerge merge, EngineTracing tracing) {
        this.merge = merge;
        this.tracing = tracing;
    }

    /** The written file and how many servers it holds. */
    record Prepared(Path file, int serverCount) {
    }

    /**
     * @param attributes the span attributes of the work (the merge span is a child of the current agent.start)
     * @throws BatonException.Invalid an unknown reference or an unset {@code ${NAME}} (the agent cannot start)
     * @throws BatonException.Transient the file cannot be written
     */
    Prepared prepare(Work work, Path workspace, Attributes attributes) {
        McpMerged merged;
        try (Traced span = tracing.start("mcp.config.merge", attributes)) {
            span.set(EngineTracing.MCP_REFS_WORK, work.mcpServers().stream().map(r -> r.name()).toList());
            try {
                merged = merge.merge(work.mcpServers());
            } catch (RuntimeException e) {
                span.fail(e);
                throw e;
            }
            span.set(EngineTracing.MCP_REFS_GLOBAL, merged.globalRefs());
            span.set(EngineTracing.MCP_SERVER_COUNT, (long) merged.servers().size());
        }
        log.atDebug().addKeyValue("event", "McpConfigMerged").addKeyValue("globalRefs", merged.globalRefs())
                .addKeyValue("workRefs", merged.workRefs()).addKeyValue("mcpServers", merged.describeMasked())
                .log("MCP config of work {}: {} server(s)", work.id(), merged.servers().size());
        Path file = workspace.resolve(FILE_NAME);
        try {
            OwnerOnlyFile.write(file, McpConfigJson.render(merged.servers()));
        } catch (IOException e) {
            throw new BatonException.Transient("mcp.config-write", "cannot write the MCP config " + file + ": " + e.getMessage(), e);
        }
        return new Prepared(file, merged.servers().size());
    }

    /** Removes the file (it holds resolved secrets) once the agent is gone. */
    static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.warn("cannot delete the MCP config {}: {}", file, e.toString());
        }
    }
}
