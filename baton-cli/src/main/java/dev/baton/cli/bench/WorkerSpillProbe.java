package dev.baton.cli.bench;

import dev.baton.grpc.v1.AgentProfile;
import dev.baton.grpc.v1.LogAck;
import dev.baton.grpc.v1.LogBatch;
import dev.baton.grpc.v1.LogStreamGrpc;
import dev.baton.grpc.v1.Registered;
import dev.baton.grpc.v1.RunTask;
import dev.baton.grpc.v1.ServerMessage;
import dev.baton.grpc.v1.StartAgent;
import dev.baton.grpc.v1.WorkerControlGrpc;
import dev.baton.grpc.v1.WorkerMessage;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real {@code baton worker} process (from baton.jar, with the launcher's JVM options) runs an agent that
 * prints lines as fast as it can, against a server that assigns it that agent and then stalls its log
 * stream: acknowledges the hello and never asks for a message. Everything the agent prints must spill to the
 * worker's disk spool; the probe samples the worker JVM's resident memory meanwhile.
 */
final class WorkerSpillProbe {
    private static final Pattern VM_HWM = Pattern.compile("(?m)^VmHWM:\\s+(\\d+)\\s+kB");

    record Result(String skipped, long spilledBytes, double seconds, double maxRssMb, double hwmMb, List<String> command) {
        static Result skip(String why) {
            return new Result(why, 0, 0, 0, 0, List.of());
        }
    }

    private final Path work;
    private final Path logFile;
    private final PrintWriter progress;

    WorkerSpillProbe(Path work, Path logFile, PrintWriter progress) {
        this.work = work;
        this.logFile = logFile;
        this.progress = progress;
    }

    Result measure(java.util.Optional<Path> jar, List<String> jvmOptions, long spillBytes, int lineBytes) throws Exception {
        if (!Files.isReadable(Path.of("/proc/self/status"))) return Result.skip("no /proc/<pid>/status (Linux only)");
        if (jar.isEmpty()) return Result.skip("not running from baton.jar; build it and run ./baton bench logs");
        Path spool = work.resolve("spool");
        Path workspace = Files.createDirectories(work.resolve("workspace"));
        long lines = (long) Math.ceil(spillBytes * 1.1 / lineBytes);
        Server stalled = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(new AssignOneAgent(workspace, lines, lineBytes)).addService(new StalledLogs()).build().start();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.get().toString(), "worker", "--server", "127.0.0.1:" + stalled.getPort(), "--id", "spill-probe",
                "--spool-dir", spool.toString(), "--spool-disk-bytes", Long.toString(spillBytes + spillBytes / 2)));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(logFile.toFile());
        pb.environment().put("LOG_LEVEL", "warn");
        pb.environment().putIfAbsent("MALLOC_ARENA_MAX", "2"); // as ./baton worker sets it
        progress.printf("  worker: %s%n  spilling %.0f MiB of %d-byte lines (log: %s) ...%n", String.join(" ", command), spillBytes / 1048576.0,
                lineBytes, logFile);
        progress.flush();
        Process worker = pb.start();
        Path status = Path.of("/proc", Long.toString(worker.pid()), "status");
        long t0 = System.nanoTime();
        double maxRss = 0;
        long spilled = 0;
        try {
            long deadline = t0 + TimeUnit.MINUTES.toNanos(5);
            while (spilled < spillBytes) {
                if (!worker.isAlive()) throw new IllegalStateException("the worker exited (status " + worker.exitValue() + "); see " + logFile);
                if (System.nanoTime() > deadline) throw new IllegalStateException("only " + spilled + " bytes spilled after 5 minutes; see " + logFile);
                maxRss = Math.max(maxRss, ServerRssProbe.vmRssKb(Files.readString(status)) / 1024.0);
                spilled = directoryBytes(spool);
                Thread.sleep(200);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            String proc = Files.readString(status);
            maxRss = Math.max(maxRss, ServerRssProbe.vmRssKb(proc) / 1024.0);
            Matcher hwm = VM_HWM.matcher(proc);
            double hwmMb = hwm.find() ? Long.parseLong(hwm.group(1)) / 1024.0 : Double.NaN;
            return new Result(null, spilled, seconds, maxRss, hwmMb, command);
        } finally {
            worker.destroyForcibly();
            worker.waitFor(10, TimeUnit.SECONDS);
            stalled.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static long directoryBytes(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return 0;
        // The worker renames and deletes files while this walks (its sequence reservation's .tmp, acknowledged
        // spill files): one gone between listing and reading counts as nothing instead of failing the run.
        long[] total = {0};
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (attrs.isRegularFile()) total[0] += attrs.size();
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) return FileVisitResult.CONTINUE;
                throw e;
            }
        });
        return total[0];
    }

    /** Answers the worker's Register with one agent that prints {@code lines} lines of {@code lineBytes} bytes, and runs it. */
    private static final class AssignOneAgent extends WorkerControlGrpc.WorkerControlImplBase {
        private final Path workspace;
        private final long lines;
        private final int lineBytes;

        AssignOneAgent(Path workspace, long lines, int lineBytes) {
            this.workspace = workspace;
            this.lines = lines;
            this.lineBytes = lineBytes;
        }

        @Override
        public StreamObserver<WorkerMessage> connect(StreamObserver<ServerMessage> out) {
            return new StreamObserver<>() {
                @Override
                public void onNext(WorkerMessage m) {
                    if (m.hasRegister()) {
                        String program = "BEGIN{pad=sprintf(\"%" + (lineBytes - 13) + "s\",\"\"); gsub(/ /,\"x\",pad); for(i=0;i<" + lines
                                + ";i++) printf \"%012d %s\\n\", i, pad}";
                        out.onNext(ServerMessage.newBuilder().setRegistered(Registered.newBuilder().setHeartbeatIntervalMs(5000).setHeartbeatExpiryMs(60000)).build());
                        out.onNext(ServerMessage.newBuilder().setStartAgent(StartAgent.newBuilder().setSessionId("spill").setWorkflowId("wf-spill")
                                .setWorkId("wk").setCorrelationId("bench-spill").setWorkspace(workspace.toString())
                                .setStartTimeoutMs(30_000).setQueryTimeoutMs(600_000).setStopTimeoutMs(5_000)
                                .setProfile(AgentProfile.newBuilder().setName("printer").setMode(AgentProfile.Mode.ONESHOT)
                                        .setInput(AgentProfile.Input.STDIN).addCommand("awk").addCommand(program))).build());
                    } else if (m.hasAgentStarted()) {
                        out.onNext(ServerMessage.newBuilder().setRunTask(RunTask.newBuilder().setSessionId("spill").setTaskId("t1").setQuery("go")).build());
                    }
                }

                @Override
                public void onError(Throwable t) {
                }

                @Override
                public void onCompleted() {
                    out.onCompleted();
                }
            };
        }
    }

    /** A log server that takes the hello, acknowledges nothing stored, and never asks for another message. */
    private static final class StalledLogs extends LogStreamGrpc.LogStreamImplBase {
        @Override
        public StreamObserver<LogBatch> stream(StreamObserver<LogAck> responses) {
            ServerCallStreamObserver<LogAck> call = (ServerCallStreamObserver<LogAck>) responses;
            call.disableAutoRequest();
            call.request(1);
            return new StreamObserver<>() {
                @Override
                public void onNext(LogBatch batch) {
                    if (batch.hasHello()) call.onNext(LogAck.newBuilder().setStreamId(batch.getHello().getStreamId()).setAckedSequence(0).build());
                }

                @Override
                public void onError(Throwable t) {
                }

                @Override
                public void onCompleted() {
                }
            };
        }
    }
}
