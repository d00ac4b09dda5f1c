package dev.baton.agent.profile;

import dev.baton.agent.AgentProfile;
import dev.baton.agent.AgentProfile.AgentMode;
import dev.baton.shared.BatonException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AgentProfilesTest {
    private static AgentProfile profile(String name, String program) {
        return new AgentProfile(name, AgentMode.ONESHOT, List.of(program), null, Map.of(), null, null, null);
    }

    private final AgentProfiles profiles = AgentProfiles.of(profile("codex", "codex"), profile("aider", "aider"));

    @Test
    void findsProfilesByName() {
        assertThat(profiles.get("codex")).map(AgentProfile::name).hasValue("codex");
        assertThat(profiles.get("claude")).isEmpty();
        assertThat(profiles.names()).containsExactly("codex", "aider");
    }

    @Test
    void requireNamesTheKnownProfiles() {
        assertThatThrownBy(() -> profiles.require("claude"))
                .isInstanceOf(BatonException.Invalid.class)
                .hasMessage("unknown agent profile 'claude' (known: codex, aider)")
                .satisfies(e -> assertThat(((BatonException.Invalid) e).code()).isEqualTo("agent.unknown-profile"));
        assertThatThrownBy(() -> AgentProfiles.of().require("x")).hasMessageContaining("none are configured");
    }

    @Test
    void duplicatesAreRejectedAndWithReplacesByName() {
        assertThatThrownBy(() -> AgentProfiles.of(profile("a", "x"), profile("a", "y"))).isInstanceOf(IllegalArgumentException.class);

        AgentProfiles merged = profiles.with(AgentProfiles.of(profile("codex", "my-codex"), profile("noop", "true")));

        assertThat(merged.names()).containsExactly("codex", "aider", "noop");
        assertThat(merged.require("codex").command()).containsExactly("my-codex");
    }
}
