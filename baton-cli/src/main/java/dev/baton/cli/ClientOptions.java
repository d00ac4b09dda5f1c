package dev.baton.cli;

import dev.baton.cli.client.BatonClient;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;

/**
 * The options every client command shares ({@code --server}, {@code --token}, {@code --output}), mixed into
 * each command with {@code @Mixin}, plus the things a command needs to talk and print.
 */
public final class ClientOptions {

    private static final JsonMapper PRINTER = JsonMapper.builder().build();

    @Spec(Spec.Target.MIXEE)
    private CommandSpec mixee;

    @Option(names = "--server", paramLabel = "URL",
            description = "Baton server to talk to. Default: $BATON_SERVER, else http://localhost:$PORT (PORT defaults to 3000).")
    private String server;

    @Option(names = "--token", paramLabel = "TOKEN",
            description = "API token, sent as 'Authorization: Bearer TOKEN'. Default: $BATON_TOKEN.")
    private String token;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
            description = "table (for people, the default) or json (the server's JSON, for scripts).")
    private OutputFormat output;

    private final CliEnvironment environment;

    ClientOptions(CliEnvironment environment) {
        this.environment = environment;
    }

    public CliEnvironment environment() {
        return environment;
    }

    public boolean json() {
        return output == OutputFormat.JSON;
    }

    public PrintWriter out() {
        return mixee.commandLine().getOut();
    }

    public PrintWriter err() {
        return mixee.commandLine().getErr();
    }

    /** A new client on each call: a command makes one, uses it for all its requests and closes it. */
    public BatonClient client() {
        String value = token != null ? token : environment.variable("BATON_TOKEN");
        return new BatonClient(serverUri(), value, Duration.ofSeconds(30), "baton-cli/" + VersionProvider.version());
    }

    URI serverUri() {
        String url = server != null ? server : environment.variable("BATON_SERVER");
        if (url == null) {
            String port = environment.variable("PORT");
            url = "http://localhost:" + (port == null ? "3000" : port);
        }
        url = url.strip().replaceAll("/+$", "");
        // Accept a URL copied with the API prefix; the client adds /api/v1 itself.
        if (url.endsWith("/api/v1")) url = url.substring(0, url.length() - "/api/v1".length());
        try {
            URI uri = new URI(url);
            if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                throw new URISyntaxException(url, "expected http://HOST[:PORT] or https://HOST[:PORT]");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new CliException(ExitCodes.USAGE, "invalid server URL '" + url + "': " + e.getReason());
        }
    }

    /** Prints one JSON document, indented for people; {@code --follow} uses {@link #printJsonLine} instead. */
    public void printJson(JsonNode json) {
        out().println(PRINTER.writerWithDefaultPrettyPrinter().writeValueAsString(json));
        out().flush();
    }

    /** One JSON document on one line (JSON Lines), so a stream of events can be piped into jq. */
    public void printJsonLine(JsonNode json) {
        out().println(PRINTER.writeValueAsString(json));
        out().flush();
    }
}
