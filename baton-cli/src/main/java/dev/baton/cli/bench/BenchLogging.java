package dev.baton.cli.bench;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.FileAppender;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Logging while the benchmark runs: everything at INFO (as the server logs: one line per domain event) goes
 * to a file rather than the terminal, and ERROR lines are counted, because an exception inside a run shows
 * up there. Without Logback (another SLF4J binding) it changes nothing and counts nothing.
 */
final class BenchLogging {
    private static final int KEPT_MESSAGES = 5;
    private final AtomicInteger errors = new AtomicInteger();
    private final List<String> messages = new ArrayList<>();

    private BenchLogging() {
    }

    static BenchLogging toFile(Path file) {
        BenchLogging logging = new BenchLogging();
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) return logging;
        ctx.reset();
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(ctx);
        encoder.setPattern("%d{HH:mm:ss.SSS} %-5level [%thread] %logger{36} %mdc - %msg%n");
        encoder.start();
        FileAppender<ILoggingEvent> fileAppender = new FileAppender<>();
        fileAppender.setContext(ctx);
        fileAppender.setName("bench-file");
        fileAppender.setFile(file.toString());
        fileAppender.setEncoder(encoder);
        fileAppender.start();
        AppenderBase<ILoggingEvent> counter = new AppenderBase<>() {
            @Override
            protected void append(ILoggingEvent event) {
                if (event.getLevel().isGreaterOrEqual(Level.ERROR)) logging.error(event.getLoggerName() + ": " + event.getFormattedMessage());
            }
        };
        counter.setContext(ctx);
        counter.setName("bench-error-counter");
        counter.start();
        Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(fileAppender);
        root.addAppender(counter);
        return logging;
    }

    private void error(String message) {
        errors.incrementAndGet();
        synchronized (messages) {
            if (messages.size() < KEPT_MESSAGES) messages.add(message);
        }
    }

    void resetCounts() {
        errors.set(0);
        synchronized (messages) {
            messages.clear();
        }
    }

    int errorCount() {
        return errors.get();
    }

    List<String> errorMessages() {
        synchronized (messages) {
            return List.copyOf(messages);
        }
    }
}
