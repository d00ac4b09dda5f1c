package dev.baton.cli.bench;

import dev.baton.shared.FileTrees;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a benchmark run starts and ends with: its log and JSON under the out folder, a temporary data folder, the
 * load average before and after (other processes inflate the figures).
 *
 * @param json where the figures go
 * @param work the run's temporary data, deleted at the end unless kept
 */
record BenchRun(Path json, Path work, double loadBefore) {

    static BenchRun start(Path outDir, String name, String stamp) throws IOException {
        Files.createDirectories(outDir);
        BenchLogging.toFile(outDir.resolve(name + "-" + stamp + ".log"));
        return new BenchRun(outDir.resolve(name + "-" + stamp + ".json"), Files.createTempDirectory("baton-bench-" + name + "-"),
                BenchCommand.loadAverage());
    }

    Map<String, Object> machine() {
        return Map.of("cpus", Runtime.getRuntime().availableProcessors(), "java", System.getProperty("java.runtime.version"),
                "loadAverageAtStart", Stats.round3(loadBefore));
    }

    /** Writes the report (with the load average now), says where, and removes the data unless {@code keepData}. */
    void finish(Map<String, Object> report, boolean keepData, PrintWriter out) throws IOException {
        report.put("loadAverageAtEnd", Stats.round3(BenchCommand.loadAverage()));
        Files.writeString(json, JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build().writeValueAsString(report) + "\n");
        out.println();
        out.println("Figures written to " + json);
        if (keepData) out.println("Data kept in " + work);
        else FileTrees.deleteRecursively(work);
        out.flush();
    }
}
