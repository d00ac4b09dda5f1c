package dev.baton.worker.logs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** 200 MiB through the spool in a JVM with a 64 MiB heap: it must spill, not run out of memory. */
class SpoolHeapBoundTest {
    private static final Logger log = LoggerFactory.getLogger(SpoolHeapBoundTest.class);

    @TempDir
    Path dir;

    @Test
    void twoHundredMebibytesSpillInA64MebibyteHeap() throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(List.of(java.toString(), "-Xmx64m", "-XX:+ExitOnOutOfMemoryError",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", System.getProperty("java.class.path"),
                SpillUnderSmallHeap.class.getName(), dir.resolve("spool").toString(), "200"))
                .redirectErrorStream(true)
                .start();
        String output;
        try {
            assertThat(child.waitFor(120, TimeUnit.SECONDS)).as("child finished").isTrue();
        } finally {
            output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            child.destroyForcibly();
        }
        log.info("child JVM output:\n{}", output);
        assertThat(output).doesNotContain("OutOfMemoryError");
        assertThat(child.exitValue()).as(output).isZero();

        Map<String, String> values = new HashMap<>();
        output.lines().filter(l -> l.matches("[A-Za-z]+=.*")).forEach(l -> values.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1)));
        assertThat(Long.parseLong(values.get("lines"))).isEqualTo(200L * 1024);
        assertThat(Long.parseLong(values.get("peakMemoryBytes"))).isLessThanOrEqualTo(SpoolSettings.DEFAULT_MEMORY_CAP_BYTES);
        assertThat(Long.parseLong(values.get("maxDiskBytes"))).isGreaterThan(180L * 1024 * 1024);
        assertThat(Long.parseLong(values.get("dropped"))).isZero();
        assertThat(values.get("VmHWM")).isNotBlank();
    }
}
