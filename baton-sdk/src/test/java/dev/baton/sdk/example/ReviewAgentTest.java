package dev.baton.sdk.example;

import dev.baton.sdk.AgentSettings;
import dev.baton.sdk.BatonAgentClient;
import dev.baton.sdk.SpecView;
import dev.baton.sdk.SubmissionView;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class ReviewAgentTest {
    @TempDir
    Path tmp;

    @Test
    void reviewsEachPendingTaskOfItsOwnWithADiffAndLeavesTheOthers() throws Exception {
        Path specRoot = tmp.resolve("specs/active");
        Files.createDirectories(specRoot);
        Files.writeString(specRoot.resolve("wf-1.yaml"), """
                id: wf-1
                version: 1
                name: Review
                tasks:
                  - id: t-mine
                    work: wk-1
                    query: review the login page
                    assignedTo: reviewer
                  - id: t-done
                    work: wk-1
                    query: reviewed already
                    assignedTo: reviewer
                    status: completed
                  - id: t-other
                    work: wk-1
                    query: not for the reviewer
                    assignedTo: someone-else
                """);
        AgentSettings settings = AgentSettings.defaults("reviewer", null, specRoot).withPolling(Duration.ofMillis(100), Duration.ofSeconds(1));
        try (BatonAgentClient client = BatonAgentClient.connect(settings)) {
            client.subscribe(new ReviewAgent(client, Files.createDirectories(tmp.resolve("scratch")), Clock.systemUTC()));

            await().atMost(Duration.ofSeconds(15)).until(() -> client.read("wf-1").task("t-mine").orElseThrow().status().equals("completed"));

            SpecView spec = client.read("wf-1");
            assertThat(spec.task("t-mine").orElseThrow().startedAt()).isNotNull();
            assertThat(spec.task("t-other").orElseThrow().status()).isNull();
            SubmissionView diff = spec.submissions().getFirst();
            assertThat(spec.submissions()).hasSize(1);
            assertThat(diff.taskId()).isEqualTo("t-mine");
            assertThat(tmp.resolve("diffs").resolve(diff.path())).content()
                    .startsWith("diff --git a/reviews/t-mine.md b/reviews/t-mine.md\nnew file mode 100644\n")
                    .contains("+# Review of t-mine");
            assertThat(spec.version()).as("in-progress, submission, completed").isEqualTo(4);
        }
    }
}
