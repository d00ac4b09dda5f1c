package dev.baton.cli.bench;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class ServerRssProbeTest {

    @Test
    void findsTheJarInTheCodeSourceOfAnExecutableJar() {
        assertThat(ServerRssProbe.jarOf("jar:nested:/work/main/baton-cli/target/baton.jar/!BOOT-INF/classes/!/"))
                .contains(Path.of("/work/main/baton-cli/target/baton.jar"));
        assertThat(ServerRssProbe.jarOf("file:/opt/baton/baton.jar")).contains(Path.of("/opt/baton/baton.jar"));
        assertThat(ServerRssProbe.jarOf("jar:file:/opt/my%20dir/baton.jar!/BOOT-INF/classes!/")).contains(Path.of("/opt/my dir/baton.jar"));
    }

    @Test
    void aClassesFolderIsNoJar() {
        assertThat(ServerRssProbe.jarOf("file:/work/main/baton-cli/target/classes/")).isEqualTo(Optional.empty());
        assertThat(ServerRssProbe.jarOf("file:/work/jars.d/classes/")).isEqualTo(Optional.empty());
    }

    @Test
    void jvmOptionsComeFromBatonJavaOptsElseFromTheLauncherDefault() {
        String launcher = """
                exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED \\
                  ${BATON_JAVA_OPTS:--XX:+UseSerialGC -Xms32m -XX:MaxRAMPercentage=25} \\
                  -jar "$jar" "$@"
                """;

        assertThat(ServerRssProbe.launcherJvmOptions(launcher, null))
                .containsExactly("--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-Xms32m", "-XX:MaxRAMPercentage=25");
        assertThat(ServerRssProbe.launcherJvmOptions(launcher, " -Xmx64m  -XX:+UseG1GC "))
                .containsExactly("--enable-native-access=ALL-UNNAMED", "-Xmx64m", "-XX:+UseG1GC");
        assertThat(ServerRssProbe.launcherJvmOptions(null, null))
                .startsWith("--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC");
    }

    @Test
    void readsVmRssFromProcStatus() {
        String status = "Name:\tjava\nVmPeak:\t 3000000 kB\nVmRSS:\t  154321 kB\nRssAnon:\t 100000 kB\n";

        assertThat(ServerRssProbe.vmRssKb(status)).isEqualTo(154321);
    }
}
