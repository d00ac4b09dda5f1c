package dev.baton.sdk;

/**
 * One entry of a spec's {@code submissions} (seed 000 §2.4), as the file states it.
 *
 * @param path   relative to the diffs root
 * @param status {@code pending} until the git manager records {@code applied} (with {@code commit}) or
 *               {@code failed} (with {@code reason}); null counts as pending
 */
public record SubmissionView(String taskId, String path, String timestamp, String status, String commit, String reason) {
}
