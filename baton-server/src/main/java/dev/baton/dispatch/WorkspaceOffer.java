package dev.baton.dispatch;

import dev.baton.agent.AgentStart;
import dev.baton.git.WorktreeTransfer;
import dev.baton.grpc.v1.StartAgent;
import dev.baton.shared.BatonException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What a worker with its own workdir is given of a workspace the server prepared (see workspace.proto): the
 * repositories linked in it, the content of the work's MCP config file, and, with every task, the trees of
 * its worktrees, so that the worker notices when its copy is behind.
 */
final class WorkspaceOffer {
    private static final Logger log = LoggerFactory.getLogger(WorkspaceOffer.class);

    private final WorktreeTransfer transfer;

    WorkspaceOffer(WorktreeTransfer transfer) {
        this.transfer = transfer;
    }

    WorktreeTransfer transfer() {
        return transfer;
    }

    /** The workspace's entries that are git worktrees: one link per repository (see WorkspacePreparer), sorted. */
    static List<String> repositories(Path workspace) {
        if (!Files.isDirectory(workspace)) return List.of();
        try (Stream<Path> entries = Files.list(workspace)) {
            return entries.filter(p -> Files.exists(p.resolve(".git"))).map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new BatonException.Transient("workspace.io", "cannot list workspace " + workspace + ": " + e.getMessage(), e);
        }
    }

    /** The server's worktree of one of the session's repositories. */
    static Path worktree(StartAgent start, String repository) {
        return Path.of(start.getWorkspace()).resolve(repository);
    }

    /** The start message with the MCP config's content, which an own-workdir worker writes into its copy of the workspace. */
    StartAgent forOwnWorkdir(StartAgent start) {
        String file = start.getEnvMap().get(AgentStart.MCP_CONFIG_ENV);
        if (file == null || file.isBlank()) return start;
        try {
            return start.toBuilder().setMcpConfig(Files.readString(Path.of(file))).build();
        } catch (NoSuchFileException e) {
            return start;
        } catch (IOException e) {
            throw new BatonException.Transient("workspace.io", "cannot read the MCP config " + file + ": " + e.getMessage(), e);
        }
    }

    /** Repository → the tree its worktree holds as staged; empty (the worker then keeps its copy) when git cannot tell. */
    Map<String, String> trees(StartAgent start) {
        Map<String, String> trees = new LinkedHashMap<>();
        try {
            for (String repo : start.getRepositoriesList()) trees.put(repo, transfer.tree(worktree(start, repo)));
            return trees;
        } catch (RuntimeException e) {
            log.atWarn().addKeyValue("correlationId", start.getCorrelationId()).addKeyValue("workflowId", start.getWorkflowId())
                    .log("cannot tell the trees of session {}'s worktrees: {}", start.getSessionId(), e.getMessage());
            return Map.of();
        }
    }
}
