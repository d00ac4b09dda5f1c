package dev.baton.cli;

import dev.baton.server.BatonApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;

import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "server", mixinStandardHelpOptions = true,
        description = {"Runs the Baton server: REST API under /api/v1 on PORT (default 3000), /health, /ready, /metrics.",
                "Configuration comes from the environment (seed 001 names): BATON_DATA_DIR, DATABASE_URL, PORT, LOG_LEVEL,",
                "WORKFLOW_MAX_CONCURRENT, AGENT_MAX_CONCURRENT, AGENT_*_TIMEOUT_MS, GIT_COMMAND_TIMEOUT_MS, BATON_API_TOKEN, …",
                "On SIGTERM running workflows are paused and resume after a restart."},
        footer = {"", "Example:", "  PORT=8080 DATABASE_URL=postgresql://baton:secret@db:5432/baton ./baton server"})
public class ServerCommand implements Callable<Integer> {

    @Override
    public Integer call() throws InterruptedException {
        ConfigurableApplicationContext ctx = BatonApplication.start(WebApplicationType.SERVLET, Map.of());
        CountDownLatch closed = new CountDownLatch(1);
        ctx.addApplicationListener((org.springframework.context.ApplicationListener<org.springframework.context.event.ContextClosedEvent>) e -> closed.countDown());
        closed.await();
        return 0;
    }
}
