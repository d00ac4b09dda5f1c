package dev.baton.workflow;

import java.nio.file.Path;

/**
 * A git repository a workflow works on.
 *
 * @param name short unique name inside the workflow; names the worktree folder and the workspace link
 * @param path absolute path of the source repository (its worktrees are created from it)
 */
public record RepositoryRef(String name, Path path) {
}
