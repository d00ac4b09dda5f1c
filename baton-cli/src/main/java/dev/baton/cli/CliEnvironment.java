package dev.baton.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.InputStreamReader;
import java.lang.reflect.Method;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.function.UnaryOperator;

/**
 * What the commands read from the world besides their arguments. Passing it in (rather than calling
 * {@code System.getenv} and {@code System.in} directly) lets tests pin the environment, the clock and the
 * poll interval.
 *
 * @param env             environment variable lookup (BATON_SERVER, BATON_TOKEN, PORT)
 * @param stdin           where confirmations are read from
 * @param interactive     whether stdin is a terminal a person can answer on
 * @param pollInterval    how often {@code --follow} asks for new events
 * @param reconnectWindow how long {@code --follow} keeps retrying when the server goes away (a restart)
 */
public record CliEnvironment(UnaryOperator<String> env, BufferedReader stdin, boolean interactive, Clock clock,
                             ZoneId zone, Duration pollInterval, Duration reconnectWindow) {

    public static CliEnvironment system() {
        return new CliEnvironment(System::getenv, new BufferedReader(new InputStreamReader(System.in)),
                stdinIsTerminal(), Clock.systemDefaultZone(), ZoneId.systemDefault(),
                Duration.ofMillis(200), Duration.ofSeconds(30));
    }

    public String variable(String name) {
        String value = env.apply(name);
        return value == null || value.isBlank() ? null : value.strip();
    }

    /**
     * From JDK 22 on, {@code System.console()} is non-null even when input is redirected, and only
     * {@code Console.isTerminal()} (absent from the Java 21 API we compile against) tells the truth.
     */
    private static boolean stdinIsTerminal() {
        Console console = System.console();
        if (console == null) return false;
        try {
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (ReflectiveOperationException e) {
            return true; // JDK 21: a non-null console means a terminal
        }
    }
}
