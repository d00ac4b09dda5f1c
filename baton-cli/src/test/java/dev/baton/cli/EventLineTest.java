package dev.baton.cli;

import dev.baton.cli.client.EventView;
import dev.baton.cli.client.WorkflowView;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The progress lines of the events the follow tests' fixtures do not contain. */
class EventLineTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final WorkflowView workflow = JSON.readValue(FixtureServer.fixture("workflow-created.json"), WorkflowView.class);
    private final EventLine lines = new EventLine(workflow, ZoneOffset.UTC);

    private static EventView event(String type, String payload) {
        return new EventView(1, "wf-7f3a", type, "c-91d2", Instant.parse("2025-01-02T23:59:58Z"), JSON.readTree(payload));
    }

    @Test
    void resumeNamesTheWorkItRestartsFrom() {
        assertThat(lines.format(event("WorkflowResumed", "{\"fromSequence\":1}"))).isEqualTo("23:59:58 WorkflowResumed from work 2/2");
        assertThat(lines.format(event("WorkflowStarted", "{\"fromSequence\":0}"))).isEqualTo("23:59:58 WorkflowStarted");
    }

    @Test
    void listsAreCommaSeparated() {
        assertThat(lines.format(event("CheckpointsInvalidated", "{\"checkpointIds\":[\"cp-1\",\"cp-2\"]}")))
                .isEqualTo("23:59:58 CheckpointsInvalidated cp-1, cp-2");
        assertThat(lines.format(event("WorksReordered", "{\"workIds\":[\"wk-build\",\"wk-plan\"]}")))
                .isEqualTo("23:59:58 WorksReordered wk-build, wk-plan");
    }

    @Test
    void checkpointsShowOneShortShaPerRepository() {
        assertThat(lines.format(event("CheckpointCreated", "{\"commits\":{\"app\":\"0123456789abcdef\",\"docs\":\"fedcba9876543210\"}}")))
                .isEqualTo("23:59:58 CheckpointCreated app=0123456 docs=fedcba9");
    }

    @Test
    void eventsWithoutDetailsAreJustTheirType() {
        assertThat(lines.format(event("WorkflowCancelled", "{}"))).isEqualTo("23:59:58 WorkflowCancelled");
        assertThat(lines.format(event("WorkflowPaused", "{}"))).isEqualTo("23:59:58 WorkflowPaused");
    }

    @Test
    void missingPayloadFieldsDoNotBreakTheLine() {
        EventView bare = new EventView(3, "wf-7f3a", "QueryResponded", "c", Instant.EPOCH, null);

        assertThat(lines.format(bare)).isEqualTo("00:00:00 QueryResponded -");
        assertThat(workflow.works()).extracting(WorkflowView.WorkView::name).isEqualTo(List.of("plan", "build"));
    }
}
