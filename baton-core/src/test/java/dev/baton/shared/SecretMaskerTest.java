package dev.baton.shared;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SecretMaskerTest {
    private final SecretMasker masker = SecretMasker.defaults();

    @Test
    void urlCredentialsAreMaskedWhole() {
        assertThat(masker.mask("cloning https://user:s3cr3tT0ken@github.com/org/repo.git"))
                .isEqualTo("cloning https://***@github.com/org/repo.git");
        assertThat(masker.mask("remote https://x-access-token:ghp_abcdefghijklmnopqrstuvwxyz0123@github.com/org/repo.git"))
                .isEqualTo("remote https://***@github.com/org/repo.git");
        assertThat(masker.mask("NATS nats://u:p@ss@a:4222,tls://v:q@b:4222 down"))
                .isEqualTo("NATS nats://***@a:4222,tls://***@b:4222 down");
        assertThat(masker.mask("see https://github.com/org/repo and git@github.com:org/repo.git"))
                .isEqualTo("see https://github.com/org/repo and git@github.com:org/repo.git");
    }

    @Test
    void oneUrlOrABareAuthority() {
        assertThat(SecretMasker.maskUrlCredentials("nats://s3cr3tToken@nats.internal:4222")).isEqualTo("nats://***@nats.internal:4222");
        assertThat(SecretMasker.maskUrlCredentials("user:pw@host:4222")).isEqualTo("***@host:4222");
        assertThat(SecretMasker.maskUrlCredentials("ws://host:8080/path@x")).isEqualTo("ws://host:8080/path@x");
    }

    @Test
    void apiKeysKeepTheirFirstFourCharacters() {
        assertThat(masker.mask("key sk-proj-Abc123def456GHI789jkl012 used")).isEqualTo("key sk-p*** used");
        assertThat(masker.mask("ghp_0123456789abcdefghijABCDEFGHIJ")).isEqualTo("ghp_***");
        assertThat(masker.mask("github_pat_11ABCDEFG0123456789_abcdefghij")).isEqualTo("gith***");
        assertThat(masker.mask("slack xoxb-1234567890-abcdefghij")).isEqualTo("slack xoxb***");
        assertThat(masker.mask("aws AKIAIOSFODNN7EXAMPLE.")).isEqualTo("aws AKIA***.");
        assertThat(masker.mask("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.abc")).isEqualTo("Authorization: Bearer eyJh***");
    }

    @Test
    void namedValuesAreMaskedByTheirName() {
        assertThat(masker.mask("GET /x?api_key=ABCDEFGHIJKLMNOP&page=2")).isEqualTo("GET /x?api_key=ABCD***&page=2");
        assertThat(masker.mask("X-Api-Key: 0123456789abcdef")).isEqualTo("X-Api-Key: 0123***");
        assertThat(masker.mask("GITHUB_TOKEN=abcdefghijklmnop")).isEqualTo("GITHUB_TOKEN=abcd***");
        assertThat(masker.mask("token=abc")).isEqualTo("token=***");
        assertThat(masker.mask("password=hunter2hunter2 user=bob")).isEqualTo("password=*** user=bob");
        assertThat(masker.mask("{\"DB_PASSWORD\": \"pa55word!\"}")).isEqualTo("{\"DB_PASSWORD\": \"***\"}");
        assertThat(masker.mask("client_secret: 'abcdefghijkl'")).isEqualTo("client_secret: '***'");
    }

    @Test
    void envMapsHideEveryValue() {
        assertThat(masker.mask("starting with env={OPENAI_API_KEY=sk-xx, MODE=fast}"))
                .isEqualTo("starting with env={OPENAI_API_KEY=***, MODE=***}");
        assertThat(masker.mask("{\"envOverrides\":{\"DB_PASSWORD\":\"x\",\"HOST\":\"db\"}}"))
                .isEqualTo("{\"envOverrides\":{\"DB_PASSWORD\":\"***\",\"HOST\":\"***\"}}");
        assertThat(masker.hidesAllValuesUnder("env")).isTrue();
        assertThat(masker.hidesAllValuesUnder("envOverrides")).isTrue();
        assertThat(masker.hidesAllValuesUnder("environment")).isFalse();
    }

    @Test
    void valuesUnderSecretNames() {
        assertThat(masker.maskNamedValue("apiToken", "abcdefghijklmnop")).isEqualTo("abcd***");
        assertThat(masker.maskNamedValue("dbPassword", "abcdefghijklmnop")).isEqualTo("***");
        assertThat(masker.maskNamedValue("workflowId", "wf-123")).isEqualTo("wf-123");
    }

    @Test
    void extraPatternsFromConfiguration() {
        SecretMasker custom = new SecretMasker(List.of("ACME-[0-9]{6}", "internal-id=(\\w+)", " "));
        assertThat(custom.mask("ticket ACME-123456 internal-id=zz9 sk-proj-Abc123def456GHI789jkl012"))
                .isEqualTo("ticket *** internal-id=*** sk-p***");
    }

    @Test
    void ordinaryTextIdsAndHashesAreLeftAlone() {
        String sha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
        String commit = "cce4554a1b2c3d4e5f60718293a4b5c6d7e8f901";
        List<String> untouched = List.of(
                "Workflow state READY → RUNNING",
                "workflow wf-123 work wk-def456 task t1 report rp-3kd9x0q2mz7a",
                "spec sha256 " + sha256,
                "sha256: " + sha256,
                "checkpoint {app=" + commit + "}",
                "Diff d-1 of task t1 (a.patch) applied to app in /tmp/x as " + commit + " (3 files)",
                "the query timeout is 600000 ms; the risk-assessment task ran",
                "QuerySent wf-abc123 queryLength=1024",
                "http://localhost:3000/api/v1/workflows/wf-1",
                "user@example.com wrote");
        for (String s : untouched) assertThat(masker.mask(s)).as(s).isEqualTo(s);
        assertThat(masker.mask(null)).isNull();
    }

    @Test
    void maskingTwiceChangesNothingMore() {
        String once = masker.mask("Bearer abcdefghijkl https://u:p@h/x token=abcdefghijkl sk-proj-Abc123def456GHI789jkl012");
        assertThat(masker.mask(once)).isEqualTo(once);
    }
}
