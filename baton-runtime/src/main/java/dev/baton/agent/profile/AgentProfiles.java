package dev.baton.agent.profile;

import dev.baton.agent.AgentProfile;
import dev.baton.shared.BatonException;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The agent profiles known to a server or worker, by name. Immutable. */
public final class AgentProfiles {
    private final Map<String, AgentProfile> byName;

    /** @throws IllegalArgumentException when two profiles share a name */
    public AgentProfiles(Collection<AgentProfile> profiles) {
        Map<String, AgentProfile> map = new LinkedHashMap<>();
        for (AgentProfile profile : profiles) {
            if (map.putIfAbsent(profile.name(), profile) != null) {
                throw new IllegalArgumentException("two agent profiles are named '" + profile.name() + "'");
            }
        }
        this.byName = Collections.unmodifiableMap(map);
    }

    public static AgentProfiles of(AgentProfile... profiles) {
        return new AgentProfiles(List.of(profiles));
    }

    public Optional<AgentProfile> get(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** @throws BatonException.Invalid {@code agent.unknown-profile}, listing the known names */
    public AgentProfile require(String name) {
        AgentProfile profile = byName.get(name);
        if (profile == null) {
            String known = byName.isEmpty() ? "none are configured" : "known: " + String.join(", ", byName.keySet());
            throw new BatonException.Invalid("agent.unknown-profile", "unknown agent profile '" + name + "' (" + known + ")");
        }
        return profile;
    }

    /** Names in definition order. */
    public Set<String> names() {
        return byName.keySet();
    }

    public List<AgentProfile> all() {
        return List.copyOf(byName.values());
    }

    /** These profiles plus {@code others}; a profile of {@code others} replaces one of the same name. */
    public AgentProfiles with(AgentProfiles others) {
        Map<String, AgentProfile> merged = new LinkedHashMap<>(byName);
        merged.putAll(others.byName);
        return new AgentProfiles(merged.values());
    }
}
