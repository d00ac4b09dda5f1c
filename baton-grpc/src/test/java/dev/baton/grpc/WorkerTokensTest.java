package dev.baton.grpc;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WorkerTokensTest {

    @Test
    void mapsEachTokenToItsWorker() {
        WorkerTokens tokens = WorkerTokens.parse(" w1=aaaaaaaaaaaaaaaa1 , w2=bbbbbbbbbbbbbbbb2");
        assertThat(tokens.enabled()).isTrue();
        assertThat(tokens.size()).isEqualTo(2);
        assertThat(tokens.workerFor("aaaaaaaaaaaaaaaa1")).contains("w1");
        assertThat(tokens.workerFor("bbbbbbbbbbbbbbbb2")).contains("w2");
        assertThat(tokens.workerFor("aaaaaaaaaaaaaaaa")).isEmpty();
        assertThat(tokens.workerFor(null)).isEmpty();
    }

    @Test
    void emptyMeansNoAuthentication() {
        assertThat(WorkerTokens.parse("").enabled()).isFalse();
        assertThat(WorkerTokens.parse(null).enabled()).isFalse();
    }

    @Test
    void badEntriesAreNamedWithoutTheToken() {
        assertThatThrownBy(() -> WorkerTokens.parse("w1=aaaaaaaaaaaaaaaa1,justatoken"))
                .hasMessage("worker token entry 2 must be worker-id=token");
        assertThatThrownBy(() -> WorkerTokens.parse("w1=short"))
                .hasMessage("worker token of 'w1' is shorter than 16 characters");
        assertThatThrownBy(() -> WorkerTokens.parse("w1=aaaaaaaaaaaaaaaa1,w1=bbbbbbbbbbbbbbbb2"))
                .hasMessage("worker 'w1' has two tokens");
        assertThatThrownBy(() -> WorkerTokens.parse("w1=aaaaaaaaaaaaaaaa1,w2=aaaaaaaaaaaaaaaa1"))
                .hasMessage("worker 'w2' shares its token with another worker")
                .message().doesNotContain("aaaa");
    }

    @Test
    void addsTheEmbeddedWorker() {
        WorkerTokens tokens = WorkerTokens.parse("w1=aaaaaaaaaaaaaaaa1").with("local", "cccccccccccccccccc");
        assertThat(tokens.workerFor("cccccccccccccccccc")).contains("local");
        assertThat(tokens.workerFor("aaaaaaaaaaaaaaaa1")).contains("w1");
    }
}
