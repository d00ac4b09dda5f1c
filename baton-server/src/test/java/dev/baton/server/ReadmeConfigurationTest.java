package dev.baton.server;

import dev.baton.api.rest.BatonServer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The docs follow application.yml: every variable it maps is in the README's Configuration table and known to the .env examples. */
class ReadmeConfigurationTest {
    private static final Path ROOT = BatonServer.PROJECT_ROOT;

    @Test
    void everyVariableIsInTheReadmeConfigurationTable() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        int start = readme.indexOf("## Configuration");
        assertThat(start).as("README has a Configuration section").isNotNegative();
        int end = readme.indexOf("\n## ", start + 1);
        String section = readme.substring(start, end < 0 ? readme.length() : end);
        Set<String> missing = new TreeSet<>();
        for (String v : ConfigVariables.fromClasspath().defaults().keySet())
            if (!section.contains("`" + v + "`")) missing.add(v);
        assertThat(missing).as("variables of application.yml missing from the README's Configuration table").isEmpty();
    }

    @Test
    void theEnvExamplesOnlySetMappedVariables() throws IOException {
        Set<String> mapped = ConfigVariables.fromClasspath().defaults().keySet();
        for (String file : List.of(".env.development", ".env.production")) {
            Set<String> unknown = new TreeSet<>();
            Matcher m = Pattern.compile("(?m)^([A-Z][A-Z0-9_]*)=").matcher(Files.readString(ROOT.resolve(file)));
            int count = 0;
            while (m.find()) {
                count++;
                if (!mapped.contains(m.group(1))) unknown.add(m.group(1));
            }
            assertThat(count).as(file).isPositive();
            assertThat(unknown).as("variables in %s that application.yml does not map", file).isEmpty();
        }
    }
}
