package dev.baton.cli.client;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ProblemTest {

    @Test
    void entriesUseTheCompilerStyleLocation() {
        assertThat(new Problem.Entry("a.yaml", 3, 7, "works[0].name", "must not be blank").format(null))
                .isEqualTo("a.yaml:3:7: works[0].name: must not be blank");
    }

    @Test
    void missingPartsAreLeftOut() {
        assertThat(new Problem.Entry(null, 3, null, null, "bad indentation").format("spec.yaml"))
                .isEqualTo("spec.yaml:3: bad indentation");
        assertThat(new Problem.Entry(null, null, null, "workIds", "missing wk-a").format(null))
                .isEqualTo("workIds: missing wk-a");
        assertThat(new Problem.Entry("", null, null, "", null).format(null)).isEqualTo("invalid");
    }

    @Test
    void summaryPrefersDetailThenTitleThenStatus() {
        assertThat(new Problem(null, "Conflict", 409, "already running", null, null).summary()).isEqualTo("already running");
        assertThat(new Problem(null, "Conflict", 409, " ", null, List.of()).summary()).isEqualTo("Conflict");
        assertThat(new Problem(null, null, 418, null, null, null).summary()).isEqualTo("HTTP 418");
    }
}
